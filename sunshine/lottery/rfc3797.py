"""Publicly verifiable random selection, RFC 3797 section 4 (used unchanged, spec section 8).

Used to choose witnesses, for example five parent representatives per school from that
school's applicants: publish the pool sorted and numbered from 1, announce in advance which
public random sources will be used, then run :func:`select` on the sources' values.

Key string (RFC 3797 section 4): each source contributes its numeric values sorted from
smallest to largest, each written in decimal without leading zeros and followed by a period,
and the source is terminated by a slash; the sources are concatenated in the order in which
they were announced.  A source may be one large number (a closing index, a 9319 draw) or
several (lottery balls).  The worked example of RFC 3797 section 6 has the sources
"9319", "2 5 12 8 10" and "9 18 26 34 41 45" and the key "9319./2.5.8.10.12./9.18.26.34.41.45./".

Selection: for i = 0, 1, 2, ... take the MD5 of (i as 2 bytes big-endian) + key + (the same
2 bytes), read the 16 bytes as an unsigned big-endian integer, reduce it modulo the number
of items still in the pool, add one, and select (and remove) that item of the remaining pool.
Only whole numbers are supported (fractional values such as stock prices are out of scope).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

Source = Sequence[int] | int | str


def parse_source(text: str) -> list[int]:
    """Whitespace-separated non-negative decimal integers, e.g. ``"7 8 11 17"``.

    Leading zeros do not count: ``"08285182"`` is the number 8285182.
    """
    values = []
    for token in text.split():
        if not token.isascii() or not token.isdigit():
            raise ValueError(f"not a non-negative whole number: {token!r}")
        values.append(int(token))
    if not values:
        raise ValueError("a source needs at least one number")
    return values


def _values(source: Source) -> list[int]:
    if isinstance(source, str):
        return parse_source(source)
    if isinstance(source, int) and not isinstance(source, bool):
        values = [source]
    else:
        values = list(source)
    for v in values:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"not a non-negative whole number: {v!r}")
    if not values:
        raise ValueError("a source needs at least one number")
    return values


def key_string(sources: Iterable[Source]) -> str:
    """The RFC 3797 key string for the sources, in the order given."""
    return "".join("".join(f"{v}." for v in sorted(_values(s))) + "/" for s in sources)


def select(pool_size: int, count: int, sources: Iterable[Source]) -> tuple[str, list[int]]:
    """Select ``count`` of the items numbered 1..``pool_size``.

    Returns the key string and the selected item numbers (1-based) in selection order.
    """
    if pool_size < 1 or count < 0 or count > pool_size:
        raise ValueError("need 0 <= count <= pool_size and pool_size >= 1")
    if count > 65536:
        raise ValueError("RFC 3797 selects at most 65536 items (2-byte counter)")
    key = key_string(sources)
    data = key.encode("ascii")
    remaining = list(range(1, pool_size + 1))
    chosen = []
    for i in range(count):
        prefix = i.to_bytes(2, "big")
        value = int.from_bytes(hashlib.md5(prefix + data + prefix).digest(), "big")
        chosen.append(remaining.pop(value % len(remaining)))
    return key, chosen


def hash_values(key: str, count: int) -> list[str]:
    """The uppercase hex MD5 values RFC 3797 section 6 prints, for checking by hand."""
    data = key.encode("ascii")
    return [
        hashlib.md5(i.to_bytes(2, "big") + data + i.to_bytes(2, "big")).hexdigest().upper()
        for i in range(count)
    ]
