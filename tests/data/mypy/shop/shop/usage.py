"""mypy's own dataclass handling stays intact under the plugin (it wraps the hooks it claims):
generated ``__init__`` signatures are known, so the last call is mypy's call-arg error."""

from shop.schemas import CacheSchema
from shop.third_party import Order, PriceSchema

schema = CacheSchema(source="ws", ttl=30, seed=1, region="us")
order = Order(SIDE="sell", qty=1)
price = PriceSchema(CACHE_KEY="prices:btc")
wrong = CacheSchema(nope=1)
