"""pydantic 2 keeps its v1 methods as deprecated aliases: they exist, so mypy resolves them and
the plugin reports them with the rename pack's entry (a subclass's own ``dict`` is its own)."""

from typing import Any

from pydantic import BaseModel


class Order(BaseModel):
    symbol: str
    qty: float


class Legacy(BaseModel):
    def dict(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return {}


def payload(order: Order, legacy: Legacy) -> dict[str, Any]:
    data = order.dict()
    order.json()
    Order.parse_obj(data)
    legacy.dict()
    return order.model_dump()
