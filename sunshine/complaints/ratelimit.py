"""Rate limit for receipt look-ups, in Django's cache.

Per client and in total, over a fixed window. The client is known only by an HMAC of its
address and the current window, so the cache never holds an IP address and the key changes
every window. Behind a reverse proxy every client shares the proxy's address: the per-client
limit then acts as a second global limit, which errs on the safe side.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from sunshine.complaints import crypto

GLOBAL = "complaints:receipt-failures:all"


def _window() -> int:
    return int(time.time() // settings.COMPLAINTS_RECEIPT_WINDOW_SECONDS)


def _client_key(request, kind: str = "receipt-failures", window: int | None = None) -> str:
    secret = crypto._index_key_for(crypto._keys()[0])
    window = _window() if window is None else window
    material = f"{kind}|{request.META.get('REMOTE_ADDR', '')}|{window}".encode()
    return f"complaints:{kind}:" + hmac.new(secret, material, hashlib.sha256).hexdigest()[:32]


def _global_key() -> str:
    return f"{GLOBAL}:{_window()}"


def is_limited(request) -> bool:
    counts = cache.get_many([_client_key(request), _global_key()])
    return (
        counts.get(_client_key(request), 0) >= settings.COMPLAINTS_RECEIPT_MAX_FAILURES
        or counts.get(_global_key(), 0) >= settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES
    )


def record_failure(request) -> None:
    timeout = settings.COMPLAINTS_RECEIPT_WINDOW_SECONDS
    for key in (_client_key(request), _global_key()):
        cache.add(key, 0, timeout=timeout)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
    delay = settings.COMPLAINTS_RECEIPT_FAILURE_DELAY_MS / 1000
    if delay > 0:
        time.sleep(delay)


def submission_allowed(request) -> bool:
    """At most COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR complaints per client per hour, so a flood
    cannot bury the channel on enrolment day. Counts only; nothing names the client."""
    limit = settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR
    key = _client_key(request, "submissions", int(time.time() // 3600))
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit
