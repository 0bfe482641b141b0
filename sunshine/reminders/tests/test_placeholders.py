import pytest

from sunshine.reminders.placeholders import PlaceholderError, compose, render, used_keys

pytestmark = pytest.mark.django_db


def test_it_replaces_chinese_and_english_names():
    text = render("{姓名}同志、{name}：{单位}", {"name": "王芳", "organisation": "龙隐小学"})
    assert text == "王芳同志、王芳：龙隐小学"


def test_it_keeps_doubled_braces_as_literal_braces():
    assert render("{{示例}} {姓名}", {"name": "王芳"}) == "{示例} 王芳"


@pytest.mark.parametrize(
    "text,where,message",
    [
        ("您好，{姓命}同志", (1, 4), "未知的占位符 {姓命}"),
        ("第一行\n{name.__class__}", (2, 1), "未知的占位符"),
        ("{{ settings.SECRET_KEY }}", None, None),  # literal braces: harmless text
        ("{% load static %}", (1, 1), "未知的占位符"),
        ("单独的 { 括号", (1, 5), "单独的"),
    ],
)
def test_it_rejects_anything_but_known_placeholders(text, where, message):
    if where is None:
        assert used_keys(text) == set()
        assert render(text, {}) == "{ settings.SECRET_KEY }"
        return
    with pytest.raises(PlaceholderError) as exc:
        used_keys(text)
    assert (exc.value.line, exc.value.column) == where
    assert message in str(exc.value)
    assert "{姓名}" in str(exc.value) or message == "单独的"


def test_it_composes_a_personal_message_with_its_link(campaign, make_staff, settings):
    settings.SITE_URL = "https://sunshine.example.cn"
    (person,) = make_staff(1, name="王芳", position="校长")
    subject, body = compose(campaign, person, "TOKEN123456")
    assert subject == "【廉洁提醒】王芳同志"
    assert body.startswith("王芳同志（龙隐小学校长）：招生报名2026年7月1日至2026年7月10日")
    assert "举报电话0773-12388" in body
    assert body.endswith("https://sunshine.example.cn/reminders/r/TOKEN123456/")


def test_it_places_the_link_where_the_template_asks(campaign, make_staff):
    (person,) = make_staff(1)
    _subject, body = compose(campaign, person, "TOKEN123456", body="请阅读：{链接} 谢谢")
    assert body.count("/reminders/r/TOKEN123456/") == 1
    assert body.endswith("谢谢")
