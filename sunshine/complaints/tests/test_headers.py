"""Complaint pages are not cached, leak no referrer, cannot be framed, run no foreign code."""

import pytest
from django.urls import reverse

from sunshine.complaints.security import confidential

pytestmark = pytest.mark.django_db


def assert_confidential(response):
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
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
    assert_confidential(client.get(reverse("complaints:index")))
    assert_confidential(client.get(reverse("complaints:detail", args=[complaint.pk])))


def test_the_decorator_keeps_permission_marks():
    from sunshine.complaints import views

    assert views.new.sunshine_public and views.follow.sunshine_public
    assert views.detail.sunshine_roles
    assert confidential(lambda r: None).__name__ == "<lambda>"


def test_the_form_page_needs_no_inline_script_or_style(client):
    html = client.get(reverse("complaints:new")).content.decode()
    assert "<script" not in html and "style=" not in html
