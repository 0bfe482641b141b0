"""Filing a complaint on the public form: no login, validation, receipt shown once."""

import re

import pytest
from django.urls import reverse

from sunshine.complaints import crypto
from sunshine.complaints.models import Attachment, Complaint
from sunshine.complaints.tests.conftest import PDF_BYTES, PNG_BYTES, form_data, upload
from sunshine.core.audit_models import AuditEntry

pytestmark = pytest.mark.django_db


def receipt_from(response) -> str:
    html = response.content.decode()
    match = re.search(r'id="receipt">([\d ]+)<', html)
    assert match, html
    return match.group(1).replace(" ", "")


def test_it_files_a_complaint_without_an_account(client, zlj, tml):
    response = client.post(
        reverse("complaints:new"),
        form_data(zlj, tml)
        | {"attachments": [upload("证据.png", PNG_BYTES), upload("a.pdf", PDF_BYTES)]},
    )
    assert response.status_code == 200
    code = receipt_from(response)
    assert len(code) == 16 and code.isdigit()
    complaint = Complaint.objects.get()
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.is_anonymous
    assert complaint.text == "报名现场有人收钱帮忙插队，金额两千元。"
    assert complaint.subject_org == tml
    assert complaint.attachments.count() == 2
    assert {a.name for a in complaint.attachments.all()} == {"证据.png", "a.pdf"}
    assert (
        Attachment.objects.get(name_sealed__isnull=False, content_type="image/png").read()
        == PNG_BYTES
    )
    entry = AuditEntry.objects.get(action="complaints.received")
    assert entry.actor is None and "text" not in entry.payload


def test_it_stores_only_an_argon2_hash_of_the_receipt(client, zlj, tml):
    code = receipt_from(client.post(reverse("complaints:new"), form_data(zlj, tml)))
    complaint = Complaint.objects.get()
    assert complaint.receipt_hash.startswith("$argon2id$")
    assert code not in complaint.receipt_hash and code not in complaint.receipt_bucket
    assert crypto.check_receipt(code, complaint.receipt_hash)
    assert complaint.receipt_bucket == crypto.receipt_bucket(code)
    # The receipt page is the only place it appears, and it is not cached.
    assert Complaint.objects.find_by_receipt(code) == complaint


def test_it_keeps_the_reporter_identity_when_given(client, zlj, tml):
    client.post(
        reverse("complaints:new"),
        form_data(zlj, tml, reporter_name="王家长", reporter_phone="138 0000 1234"),
    )
    complaint = Complaint.objects.get()
    assert not complaint.is_anonymous
    assert complaint.reporter_name == "王家长"
    assert complaint.reporter_phone == "138 0000 1234"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"text": ""}, "text"),
        ({"subject_kind": "person", "subject_org": ""}, "subject_name"),
        ({"subject_kind": "school", "subject_org": ""}, "subject_org"),
        ({"category": "gossip"}, "category"),
        ({"reporter_phone": "call me maybe"}, "reporter_phone"),
    ],
)
def test_it_explains_what_is_missing(client, zlj, tml, overrides, field):
    response = client.post(reverse("complaints:new"), form_data(zlj, tml, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_it_refuses_a_school_of_another_district(client, zlj, demo):
    from sunshine.core.models import Organisation

    longyin = Organisation.objects.get(name="龙隐小学")
    response = client.post(reverse("complaints:new"), form_data(zlj, longyin))
    assert "subject_org" in response.context["form"].errors


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("photo.png", b"GIF89a not a png at all", "不符"),
        ("script.exe", b"MZ\x90\x00", "不支持"),
        ("report.pdf", b"<html>fake</html>", "不符"),
    ],
)
def test_it_checks_attachment_type_by_content(client, zlj, tml, name, data, message):
    response = client.post(
        reverse("complaints:new"), form_data(zlj, tml) | {"attachments": [upload(name, data)]}
    )
    errors = response.context["form"].errors["attachments"]
    assert any(message in e for e in errors)
    assert not Complaint.objects.exists()


def test_it_checks_attachment_size(client, zlj, tml, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = client.post(
        reverse("complaints:new"),
        form_data(zlj, tml) | {"attachments": [upload("big.pdf", PDF_BYTES + b"x" * 200)]},
    )
    assert any("太大" in e for e in response.context["form"].errors["attachments"])


def test_the_qr_link_preselects_district_and_school(client, zlj, tml):
    response = client.get(reverse("complaints:new"), {"d": zlj.code, "o": tml.pk})
    form = response.context["form"]
    assert form.initial["district"] == zlj
    assert form.initial["subject_org"] == tml
    assert "无需注册登录" in response.content.decode()


def test_the_form_speaks_english_too(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("complaints:new")).content.decode()
    assert "Report online" in html and "Queue-jumping" in html


def test_refreshing_the_receipt_page_does_not_file_twice(client, zlj, tml):
    data = form_data(zlj, tml)
    assert client.post(reverse("complaints:new"), data).status_code == 200
    again = client.post(reverse("complaints:new"), data)
    assert again.status_code == 409
    assert "已经提交过了" in again.content.decode()
    assert Complaint.objects.count() == 1


def test_a_flood_from_one_client_is_stopped(client, zlj, tml, settings):
    settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("complaints:new"), form_data(zlj, tml)).status_code == 200
    response = client.post(reverse("complaints:new"), form_data(zlj, tml))
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    other = client.post(reverse("complaints:new"), form_data(zlj, tml), REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 200
    assert Complaint.objects.count() == 3


def test_the_limit_follows_the_client_behind_a_proxy(client, zlj, tml, settings):
    # Behind the proxy every request comes from its address; the limit must follow the header.
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR = 1

    def post(address):
        data = form_data(zlj, tml)
        return client.post(
            reverse("complaints:new"), data, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=address
        )

    assert post("1.1.1.1").status_code == 200
    assert post("1.1.1.1").status_code == 429
    assert post("2.2.2.2").status_code == 200
    assert Complaint.objects.count() == 2


def test_a_rate_limited_complaint_can_be_sent_again_later(client, zlj, tml, settings, time_machine):
    settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR = 1
    time_machine.move_to("2026-07-01 10:10:00+08:00")
    url = reverse("complaints:new")
    assert client.post(url, form_data(zlj, tml)).status_code == 200
    data = form_data(zlj, tml, text="第二件事：报名表被人改了。")
    refused = client.post(url, data)
    assert refused.status_code == 429
    # The page asks them to try again with the same form (same one-time token) ...
    assert refused.context["form"]["nonce"].value() == data["nonce"]
    # ... and when they do, after the window, the complaint is filed, not "already filed".
    time_machine.move_to("2026-07-01 11:05:00+08:00")
    again = client.post(url, data)
    assert again.status_code == 200 and receipt_from(again)
    assert Complaint.objects.count() == 2
    assert "第二件事：报名表被人改了。" in {c.text for c in Complaint.objects.all()}
    # The token is used up only now.
    settings.COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR = 5
    assert client.post(url, data).status_code == 409
