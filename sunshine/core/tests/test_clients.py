from django.test import RequestFactory

from sunshine.core.clients import client_address


def test_it_uses_the_connection_address_by_default(settings):
    settings.TRUSTED_PROXY_HEADER = ""
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="1.2.3.4")
    assert client_address(request) == "10.0.0.1"


def test_it_trusts_the_configured_proxy_header(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="1.2.3.4")
    assert client_address(request) == "1.2.3.4"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
