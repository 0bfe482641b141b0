"""A small, safe placeholder language for reminder texts written by users.

Only ``{姓名}``-style names from a fixed list are replaced (each has a Chinese and an English
spelling); ``{{`` and ``}}`` stand for literal braces. Nothing else is evaluated: no attribute
access, no filters, no tags, so a template written in the browser can never reach into the
database or the settings, as the Django template language could.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# canonical key -> (Chinese name, English name, description)
PLACEHOLDERS: dict[str, tuple[str, str, str]] = {
    "name": ("姓名", "name", gettext_lazy("收件人姓名")),
    "organisation": ("单位", "organisation", gettext_lazy("收件人所在单位")),
    "position": ("职务", "position", gettext_lazy("收件人职务")),
    "season_start": ("报名开始", "season_start", gettext_lazy("招生报名开始日期")),
    "season_end": ("报名截止", "season_end", gettext_lazy("招生报名截止日期")),
    "complaint_phone": ("举报电话", "complaint_phone", gettext_lazy("纪委监委监督举报电话")),
    "complaint_address": ("来信地址", "complaint_address", gettext_lazy("纪委监委来信地址")),
    "complaint_url": ("网上举报", "complaint_url", gettext_lazy("网上举报页面地址")),
    "link": ("链接", "link", gettext_lazy("个人阅读确认链接")),
}
ALIASES: dict[str, str] = {}
for _key, (_zh, _en, _desc) in PLACEHOLDERS.items():
    ALIASES[_zh] = _key
    ALIASES[_en] = _key

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass
class PlaceholderError(Exception):
    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return _("第 %(line)d 行第 %(column)d 列：%(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def used_keys(text: str) -> set[str]:
    """The canonical keys a text uses; raises PlaceholderError on anything unknown."""
    return set(_checked(text))


@functools.lru_cache(maxsize=128)
def _checked(text: str) -> frozenset[str]:
    # Cached: a campaign renders the same text for thousands of people.
    keys = set()
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        line, column = _position(text, m.start())
        if token in ("{", "}"):
            raise PlaceholderError(
                _("单独的“%(brace)s”；要显示花括号请写成“{{”或“}}”") % {"brace": token},
                line,
                column,
            )
        name = m.group(1).strip()
        if name not in ALIASES:
            known = "、".join("{" + zh + "}" for zh, _en, _d in PLACEHOLDERS.values())
            raise PlaceholderError(
                _("未知的占位符 {%(name)s}；可用的占位符：%(known)s")
                % {"name": name, "known": known},
                line,
                column,
            )
        keys.add(ALIASES[name])
    return frozenset(keys)


def render(text: str, values: dict[str, str]) -> str:
    """Replace the placeholders of ``text`` by ``values`` (keyed by canonical key)."""
    used_keys(text)  # validate the whole text first

    def sub(m: re.Match) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return str(values.get(ALIASES[m.group(1).strip()], ""))

    return _TOKEN.sub(sub, text)


def _date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


@functools.cache
def _path(name: str, *args) -> str | None:
    # Cached: URL patterns do not change while the process runs, and reversing costs more than
    # everything else in composing a message.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the complaints app may not offer a public form yet
        return None


def values_for(campaign, staff, *, link: str = "") -> dict[str, str]:
    district = campaign.district
    complaint_path = _path("complaints:new")
    complaint_url = settings.SITE_URL.rstrip("/") + complaint_path if complaint_path else ""
    return {
        "name": staff.name,
        "organisation": staff.organisation.name,
        "position": staff.position,
        "season_start": _date(campaign.season_start),
        "season_end": _date(campaign.season_end),
        "complaint_phone": district.complaint_phone,
        "complaint_address": district.complaint_address,
        "complaint_url": complaint_url,
        "link": link,
    }


def read_link(token: str) -> str:
    prefix = _path("reminders:read", "TOKEN").removesuffix("TOKEN/")
    return f"{settings.SITE_URL.rstrip('/')}{prefix}{token}/"


def compose(campaign, staff, token: str, *, subject: str = "", body: str = "") -> tuple[str, str]:
    """The subject and text of one person's message; the personal link is always included."""
    link = read_link(token)
    values = values_for(campaign, staff, link=link)
    # A draft has no copy of the text yet: it is taken from its template when queued.
    body = body or campaign.body or campaign.template.body
    subject = subject or campaign.subject or campaign.template.subject
    text = render(body, values)
    if "link" not in used_keys(body):
        text = text.rstrip() + "\n" + _("阅读并确认：%(link)s") % {"link": link}
    return render(subject, values), text
