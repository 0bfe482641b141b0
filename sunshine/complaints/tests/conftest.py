import io

import pytest

from sunshine.complaints.models import Complaint
from sunshine.core.models import District, Organisation, User
from sunshine.core.roles import Role

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n% test\n"


@pytest.fixture(autouse=True)
def _complaint_settings(settings, monkeypatch):
    settings.COMPLAINTS_RECEIPT_FAILURE_DELAY_MS = 0
    settings.SITE_URL = "https://sunshine.example.cn"
    # Argon2 with production cost takes ~0.25 s per code on CI; tests use a cheap one
    # (test_receipt checks the production parameters).
    from argon2 import PasswordHasher

    from sunshine.complaints import crypto

    monkeypatch.setattr(
        crypto, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def zlj(demo):
    return District.objects.get(code="510302")


@pytest.fixture
def tml(demo):
    return Organisation.objects.get(name="檀木林小学")


@pytest.fixture
def tks(demo):
    return Organisation.objects.get(name="塘坎上小学")


@pytest.fixture
def bureau(demo):
    return Organisation.objects.get(name="自流井区教育和体育局")


@pytest.fixture
def inspector(demo):
    return demo["inspector_zlj"]


@pytest.fixture
def second_inspector(demo):
    """A second officer of the same group, to approve identity requests."""
    user = User.objects.create_user(
        "inspector_zlj2",
        password="x",
        role=Role.INSPECTION,
        organisation=demo["inspector_zlj"].organisation,
        display_name="陈副组长",
    )
    return user


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def file_complaint(zlj, tml):
    """File a complaint through the model verb; returns (complaint, receipt code)."""

    def make(text="檀木林小学招生老师收了家长两千元红包，帮孩子插队入学。", **kwargs):
        kwargs.setdefault("district", zlj)
        kwargs.setdefault("subject_kind", Complaint.SubjectKind.SCHOOL)
        kwargs.setdefault("subject_org", tml)
        kwargs.setdefault("category", Complaint.Category.QUEUE_JUMPING)
        return Complaint.submit(text=text, **kwargs)

    return make


def form_data(zlj, tml, **overrides):
    import secrets

    data = {
        "nonce": secrets.token_urlsafe(24),
        "district": zlj.pk,
        "subject_kind": "school",
        "subject_org": tml.pk,
        "subject_name": "",
        "category": "queue_jumping",
        "text": "报名现场有人收钱帮忙插队，金额两千元。",
        "when": "2026年7月上旬",
        "reporter_name": "",
        "reporter_phone": "",
    }
    data.update(overrides)
    return data


__all__ = ["PNG_BYTES", "PDF_BYTES", "upload", "form_data", "io"]
