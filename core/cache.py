"""The cache in production is Redis (allauth's rate limits live there). When Redis is down the web must keep
working: a Redis error becomes a cache miss, logged as a warning, instead of a server error.

While Redis is down, rate limits are not counted (they fail open): availability of the shelter's pages wins
over counting attempts for those minutes; passwords, second factors and everything else still apply.
Nothing that guards a door may rest on this cache alone: allauth's "TOTP code already used" mark is an `add`
here, which reports "added" while Redis is down, so the used time step is also kept in the database and
checked there (core/totp.py); that check fails closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(name: str, fallback: object) -> Callable[..., Any]:
    """RedisCache's `name`, answering `fallback` (or what it returns, when callable) while Redis is down."""
    method = getattr(RedisCache, name)

    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("Cache (Redis) unavailable in %s: %s", name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = name
    return call


def _default(key: str, default: object = None, *args: Any, **kwargs: Any) -> object:
    return default


class TolerantRedisCache(RedisCache):
    """Django's Redis cache; a Redis outage reads as an empty cache and writes are dropped."""

    get = _tolerant("get", _default)
    # A new dict or list per call: a caller that adds to the answer must not change the next one's.
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", lambda *args, **kwargs: [])
    add = _tolerant("add", True)  # "added": allauth's rate-limit lock must not wait for a Redis that is gone
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    incr = _tolerant("incr", lambda key, delta=1, *args, **kwargs: delta)
    clear = _tolerant("clear", None)
