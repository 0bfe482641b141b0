"""Rate limits for the public complaint pages, in Django's cache.

The client is its address as core.clients.client_address() sees it (the connection, or the
trusted proxy header), known to the cache only through an HMAC of that address and the current
window: the cache never holds an address, the key changes every window, and nothing here logs
or stores it. Set TRUSTED_PROXY_HEADER behind a reverse proxy, or every visitor shares the
proxy's limits.

Submissions: at most COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR per client and clock hour. There is
deliberately no global submission limit, so one client's flood never stops anyone else from
reporting; a flood from many addresses is for the inspection group's triage, not for a limit
that would silence genuine reporters on enrolment day.

Receipt look-ups: only failed look-ups count. A client is refused after
COMPLAINTS_RECEIPT_MAX_FAILURES failures in a window (COMPLAINTS_RECEIPT_WINDOW_SECONDS), and
each failure is slowed by COMPLAINTS_RECEIPT_FAILURE_DELAY_MS. All look-ups are refused once
COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES failures were counted in the window: a circuit breaker
against guessing from many addresses. A client adds to the global count only up to its own
limit, even when its requests race past the check, so one client can never trip the breaker
alone; with the defaults (5 and 200) it takes at least 40 clients at their limit. The system
check complaints.W002 warns when fewer than 10 clients could trip it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

from sunshine.complaints import crypto
from sunshine.core.clients import client_address

GLOBAL = "complaints:receipt-failures:all"


def _window() -> int:
    return int(time.time() // settings.COMPLAINTS_RECEIPT_WINDOW_SECONDS)


def _client_key(request, kind: str = "receipt-failures", window: int | None = None) -> str:
    secret = crypto._index_key_for(crypto._keys()[0])
    window = _window() if window is None else window
    material = f"{kind}|{client_address(request)}|{window}".encode()
    return f"complaints:{kind}:" + hmac.new(secret, material, hashlib.sha256).hexdigest()[:32]


def _global_key() -> str:
    return f"{GLOBAL}:{_window()}"


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def is_limited(request) -> bool:
    """True if this client, or everyone (the circuit breaker), may not look up a receipt now."""
    client_key, global_key = _client_key(request), _global_key()
    counts = cache.get_many([client_key, global_key])
    return (
        counts.get(client_key, 0) >= settings.COMPLAINTS_RECEIPT_MAX_FAILURES
        or counts.get(global_key, 0) >= settings.COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES
    )


def record_failure(request) -> None:
    """Count a failed look-up for the client and, within the client's own limit, globally."""
    timeout = settings.COMPLAINTS_RECEIPT_WINDOW_SECONDS
    if _incr(_client_key(request), timeout) <= settings.COMPLAINTS_RECEIPT_MAX_FAILURES:
        _incr(_global_key(), timeout)
    delay = settings.COMPLAINTS_RECEIPT_FAILURE_DELAY_MS / 1000
    if delay > 0:
        time.sleep(delay)


def submission_allowed(request) -> bool:
    """Count a submission attempt; False once the client is over its hourly limit.

    Call it before the form's one-time token is used up, so a refused complaint can be sent
    again with the same form once the hour has passed.
    """
    key = _client_key(request, "submissions", int(time.time() // 3600))
    return _incr(key, 3600) <= settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR
