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


def confidential(view=None, *, referrer: str = "no-referrer"):
    """Set HEADERS on every response of ``view``; keeps its permission marks.

    With ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` on a form POST, which
    Django's CSRF check refuses. The public complaint views carry no session or authority, so
    they are CSRF-exempt (there is nothing to ride on); staff pages, which have sessions, use
    ``@confidential(referrer="same-origin")`` and keep CSRF protection.
    """
    if view is None:
        return lambda v: confidential(v, referrer=referrer)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for name, value in HEADERS.items():
            response.headers[name] = value
        response.headers["Referrer-Policy"] = referrer
        # Django logs every 4xx/5xx answer to "django.request" with the request object attached
        # (address, user agent, cookies); a handler that formats it would write them down.
        # Complaint pages answer 404/429 on a wrong receipt code, so they are never logged.
        response._has_been_logged = True
        return response

    return wrapper
