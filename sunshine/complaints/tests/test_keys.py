"""The encryption key: derived from SECRET_KEY by default, rotatable, checked at start-up."""

import pytest
from cryptography.fernet import Fernet

from sunshine.complaints import checks, crypto
from sunshine.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_default_key_is_a_valid_fernet_key_derived_from_secret_key(settings):
    Fernet(settings.COMPLAINTS_ENCRYPTION_KEY.encode())  # raises if not
    assert settings.SECRET_KEY not in settings.COMPLAINTS_ENCRYPTION_KEY


def test_after_a_key_rotation_old_complaints_still_open(file_complaint, settings):
    old_key = settings.COMPLAINTS_ENCRYPTION_KEY
    complaint, code = file_complaint(text="旧密钥加密的举报")
    settings.COMPLAINTS_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old_key}"
    found = Complaint.objects.find_by_receipt(code)
    assert found == complaint and found.text == "旧密钥加密的举报"
    newer, new_code = file_complaint(text="新密钥加密的举报")
    settings.COMPLAINTS_ENCRYPTION_KEY = settings.COMPLAINTS_ENCRYPTION_KEY.split(",")[0]
    assert Complaint.objects.find_by_receipt(new_code).text == "新密钥加密的举报"
    with pytest.raises(crypto.DecryptionError):
        Complaint.objects.get(pk=complaint.pk).text  # noqa: B018  (old key removed)


def test_a_bad_key_or_season_is_reported(settings):
    settings.COMPLAINTS_ENCRYPTION_KEY = "not-a-key"
    settings.COMPLAINTS_ENROLMENT_SEASON = "summer"
    ids = {p.id for p in checks.complaints_settings(None)}
    assert {"complaints.E001", "complaints.E002"} <= ids


def test_production_without_its_own_key_is_warned(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("COMPLAINTS_ENCRYPTION_KEY", raising=False)
    assert "complaints.W001" in {p.id for p in checks.complaints_settings(None)}
    monkeypatch.setenv("COMPLAINTS_ENCRYPTION_KEY", Fernet.generate_key().decode())
    assert "complaints.W001" not in {p.id for p in checks.complaints_settings(None)}
