"""A small cache of computed, JSON-serialisable values, for figures too costly to count on
every request (the city figures count millions of votes).

Entries live in Redis when REDIS_URL is set (shared by every worker, so `invalidate`
reaches them all), else in this process's memory. Every entry expires after its
`seconds`; a cache that cannot be reached only costs the computation. With
`seconds <= 0` nothing is cached (development and tests see live figures).
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)
PREFIX = "consult:cache:"
# Many distinct keys (every search typed) must not grow a worker's memory without end.
MAX_LOCAL_ENTRIES = 2000
_local: dict[str, tuple[float, str]] = {}
_clients: dict[str, Any] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5)
    return _clients[url]


def cached(key: str, seconds: float, compute: Callable[[], Any]) -> Any:
    """`compute()`, or its value of less than `seconds` ago (a fresh copy each time)."""
    if seconds <= 0:
        return compute()
    client = _redis()
    if client is not None:
        try:
            raw = client.get(PREFIX + key)
            if raw is not None:
                return json.loads(raw)
            value = compute()
            client.set(PREFIX + key, json.dumps(value), ex=max(1, int(seconds)))
            return value
        except Exception:  # a cache outage must not take the page down
            log.warning("cache unreachable; computing %s", key, exc_info=True)
            return compute()
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return json.loads(hit[1])
    value = compute()
    if len(_local) >= MAX_LOCAL_ENTRIES:
        _forget_expired(now)
    _local[key] = (now + seconds, json.dumps(value))
    return value


def _forget_expired(now: float) -> None:
    for stale in [k for k, (until, _raw) in _local.items() if until <= now]:
        del _local[stale]
    if len(_local) >= MAX_LOCAL_ENTRIES:  # all fresh: drop the oldest half
        for old in sorted(_local, key=lambda k: _local[k][0])[:MAX_LOCAL_ENTRIES // 2]:
            del _local[old]


def invalidate(key: str) -> None:
    """Forget a value (in Redis for every worker; in memory for this process)."""
    _local.pop(key, None)
    client = _redis()
    if client is not None:
        try:
            client.delete(PREFIX + key)
        except Exception:
            log.warning("cache unreachable; %s not invalidated", key, exc_info=True)
