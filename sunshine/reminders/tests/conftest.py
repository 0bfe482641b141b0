"""Fixtures of the reminders tests: the Qixing district, its staff, a template and a campaign."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from sunshine.core.models import District, Organisation
from sunshine.reminders.models import Campaign, MessageTemplate, StaffMember

LINK = re.compile(r"/reminders/r/([A-Za-z0-9_-]+)/")


@pytest.fixture
def outboxes(settings, tmp_path) -> dict[str, Path]:
    """File backends for both channels, each in its own temporary directory."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.REMINDERS_SMS_BACKEND = "file"
    settings.REMINDERS_SMS_DIR = str(tmp_path / "sms")
    return {"email": tmp_path / "mail", "sms": tmp_path / "sms"}


@pytest.fixture(autouse=True)
def _chinese():
    """The interface's default language, whatever an earlier test left active in this thread."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _sms_to_tmp(settings, tmp_path):
    settings.REMINDERS_SMS_DIR = str(tmp_path / "sms")
    settings.REMINDERS_SMS_BACKEND = "file"


@pytest.fixture
def qx(demo) -> District:
    return District.objects.get(code="450305")


@pytest.fixture
def orgs(qx) -> dict[str, Organisation]:
    return {o.name: o for o in Organisation.objects.filter(district=qx)}


@pytest.fixture
def make_staff(qx, orgs):
    counter = iter(range(10_000))

    def make(n=1, org="龙隐小学", category="other", channel="sms", **extra):
        people = []
        for _ in range(n):
            i = next(counter)
            people.append(
                StaffMember(
                    district=qx,
                    organisation=orgs[org],
                    name=extra.get("name", f"老师{i}"),
                    position=extra.get("position", "教师"),
                    category=category,
                    mobile=f"1380000{i:04d}" if channel in ("sms", "both") else "",
                    email=f"t{i}@school.example.cn" if channel in ("email", "both") else "",
                )
            )
        return StaffMember.objects.bulk_create(people)

    return make


@pytest.fixture
def template(qx, demo) -> MessageTemplate:
    return MessageTemplate.objects.create(
        district=qx,
        name="廉洁招生提醒",
        subject="【廉洁提醒】{姓名}同志",
        body="{姓名}同志（{单位}{职务}）：招生报名{报名开始}至{报名截止}，请严守纪律。举报电话{举报电话}。",
        created_by=demo["inspector_qx1"],
    )


@pytest.fixture
def campaign(qx, template, demo) -> Campaign:
    import datetime

    return Campaign.objects.create(
        district=qx,
        title="2026年招生廉洁提醒",
        template=template,
        season_start=datetime.date(2026, 7, 1),
        season_end=datetime.date(2026, 7, 10),
        created_by=demo["inspector_qx1"],
    )


def files(directory: Path, pattern: str) -> list[Path]:
    return sorted(directory.glob(pattern)) if directory.exists() else []
