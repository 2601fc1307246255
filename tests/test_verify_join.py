"""``verify._join`` (queues of fixes sharing a too-long line, joined when they share a fix) gives
what joining each queue in turn into the groups before it gives: the same groups, each in order,
in the same order. Behaviour only; its cost no longer grows with the square of the queues."""

from __future__ import annotations

import random

from tradelint.fixes.verify import _join


def reference(queues, order):
    joined = []
    for queue in queues:
        members = set(queue)
        rest = []
        for group in joined:
            if group & members:
                members |= group
            else:
                rest.append(group)
        joined = [*rest, members]
    return [sorted(group, key=order.__getitem__) for group in joined]


def test_join_equals_joining_in_turn() -> None:
    rng = random.Random(34)
    for _ in range(400):
        fixes = [(f"fix{i}",) for i in range(rng.randint(1, 30))]
        order = {fix: i for i, fix in enumerate(fixes)}
        queues = [
            sorted(rng.sample(fixes, rng.randint(0, min(4, len(fixes)))), key=order.__getitem__)
            for _ in range(rng.randint(0, 12))
        ]
        assert _join(queues, order) == reference(queues, order)
