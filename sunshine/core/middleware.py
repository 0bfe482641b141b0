from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor chose another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, so an official whose
    browser happens to be set to English would get an English site; here only the explicit
    choice (the language cookie set by the header's switcher) changes the language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNullBytesMiddleware:
    """Answer 400 to a query string holding a NUL character.

    No page has a use for one, and a search box passing it to PostgreSQL fails with a
    server error ("text fields cannot contain NUL"). Form fields refuse it already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pairs = ((key, value) for key, values in request.GET.lists() for value in values)
        if any("\x00" in key or "\x00" in value for key, value in pairs):
            return HttpResponseBadRequest(_("请求中含有无效字符。"))
        return self.get_response(request)
