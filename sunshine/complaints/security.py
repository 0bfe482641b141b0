"""Response headers for complaint pages: nothing cached, nothing leaked, nothing framed."""

from functools import wraps

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


def confidential(view):
    """Set HEADERS on every response of ``view``; keeps its permission marks."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for name, value in HEADERS.items():
            response.headers[name] = value
        # Django logs every 4xx/5xx answer to "django.request" with the request object attached
        # (address, user agent, cookies); a handler that formats it would write them down.
        # Complaint pages answer 404/429 on a wrong receipt code, so they are never logged.
        response._has_been_logged = True
        return response

    return wrapper
