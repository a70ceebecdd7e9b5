"""A cache keyed on an object's identity (Steps hold lists, so they cannot be hashed).

A run resumed from a checkpoint (engine/worker/checkpoints.py) holds the same Step objects as
the run before it up to the edit, so what the picture works out for a step once (its demand
on the layout, its header's height) is not worked out again for every edited version of a
long script. Each entry keeps its object alive, so an id is never reused while cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")


def by_identity(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """fn(obj, *args) cached on (obj's identity, args); args must be hashable."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        cache: OrderedDict[tuple, tuple[Any, T]] = OrderedDict()

        @wraps(fn)
        def cached(obj: Any, *args: Hashable) -> T:
            key = (id(obj), *args)
            hit = cache.get(key)
            if hit is not None and hit[0] is obj:
                cache.move_to_end(key)
                return hit[1]
            value = fn(obj, *args)
            cache[key] = (obj, value)
            if len(cache) > maxsize:
                cache.popitem(last=False)
            return value

        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        return cached

    return decorate
