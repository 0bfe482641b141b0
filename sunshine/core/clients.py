"""Who is asking, for rate limits only: the client's address, never stored or logged.

Behind a reverse proxy every request comes from the proxy's address, so all visitors would
share one rate-limit bucket. Set TRUSTED_PROXY_HEADER to the header the proxy sets to the real
client address (e.g. ``X-Real-IP``); only do so when the proxy overwrites that header, or a
visitor could choose their own bucket.
"""

from django.conf import settings


def client_address(request) -> str:
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(meta_key, "").split(",")[0].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR", "")
