"""Complaint pages are not cached, leak no referrer, cannot be framed, run no foreign code."""

import pytest
from django.urls import reverse

from sunshine.complaints.security import confidential

pytestmark = pytest.mark.django_db


def assert_confidential(response, referrer="no-referrer"):
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == referrer
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'none'" in csp


def test_the_public_pages_send_the_headers(client, file_complaint, zlj, tml):
    from sunshine.complaints.tests.conftest import form_data

    _, code = file_complaint()
    assert_confidential(client.get(reverse("complaints:new")))
    assert_confidential(client.post(reverse("complaints:new"), form_data(zlj, tml)))  # receipt
    assert_confidential(client.get(reverse("complaints:follow")))
    assert_confidential(client.post(reverse("complaints:follow"), {"receipt": code}))
    assert_confidential(client.post(reverse("complaints:follow"), {"receipt": "1" * 16}))
    assert_confidential(
        client.post(reverse("complaints:follow_add"), {"receipt": code, "text": "补充"})
    )


def test_the_staff_pages_send_them_too(client, file_complaint, inspector):
    complaint, _ = file_complaint()
    client.force_login(inspector)
    # Staff pages have sessions and keep CSRF checks, which need the Origin header that
    # no-referrer would blank; same-origin still sends nothing to other sites.
    assert_confidential(client.get(reverse("complaints:index")), "same-origin")
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert_confidential(detail, "same-origin")


def test_the_decorator_keeps_permission_marks():
    from sunshine.complaints import views

    assert views.new.sunshine_public and views.follow.sunshine_public
    assert views.detail.sunshine_roles
    assert confidential(lambda r: None).__name__ == "<lambda>"


def test_the_form_page_needs_no_inline_script_or_style(client):
    html = client.get(reverse("complaints:new")).content.decode()
    assert "<script" not in html and "style=" not in html


def test_public_forms_work_when_the_browser_sends_origin_null(zlj, tml, file_complaint):
    """Under no-referrer, browsers post with ``Origin: null``; the public forms still work."""
    from django.test import Client

    from sunshine.complaints.tests.conftest import form_data

    _, code = file_complaint()
    browser = Client(enforce_csrf_checks=True)
    null = {"HTTP_ORIGIN": "null"}
    assert browser.post(reverse("complaints:new"), form_data(zlj, tml), **null).status_code == 200
    assert browser.post(reverse("complaints:follow"), {"receipt": code}, **null).status_code == 200
    response = browser.post(
        reverse("complaints:follow_add"), {"receipt": code, "text": "补充"}, **null
    )
    assert response.status_code == 200


def test_staff_actions_keep_csrf_protection(file_complaint, inspector):
    from django.test import Client

    complaint, _ = file_complaint()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(inspector)
    response = browser.post(reverse("complaints:accept", args=[complaint.pk]))
    assert response.status_code == 403
