import pytest
from django.urls import reverse

from sunshine.core.demo import ACCOUNTS, DEMO_PASSWORD
from sunshine.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_it_logs_in_every_demo_account(client, demo, username):
    response = client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == username
    assert "工作台" in response.content.decode()


def test_every_role_has_a_demo_account(demo):
    assert {u.role for u in demo.values()} == set(Role.values)


def test_it_refuses_a_wrong_password(client, demo):
    response = client.post(reverse("login"), {"username": "admin", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["school_tml", "bureau_zlj", "notary_zlj", "parent"])
def test_it_refuses_the_audit_log_to_other_roles(client, demo, username):
    client.force_login(demo[username])
    assert client.get(reverse("core:audit_log")).status_code == 403


def test_it_shows_the_audit_log_to_inspection(client, demo):
    client.force_login(demo["inspector_zlj"])
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 200
    assert "core.role_granted" in response.content.decode()


def test_it_shows_navigation_by_role(client, demo):
    client.force_login(demo["school_tml"])
    body = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("core:audit_log") not in body
    client.force_login(demo["inspector_zlj"])
    body = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("core:audit_log") in body


def test_it_changes_a_password_with_validation(client, demo):
    client.force_login(demo["school_tml"])
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": DEMO_PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    ok = client.post(
        url,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Tanmulin-2026-xyz",
            "new_password2": "Tanmulin-2026-xyz",
        },
    )
    assert ok.status_code == 302
    demo["school_tml"].refresh_from_db()
    assert demo["school_tml"].check_password("Tanmulin-2026-xyz")


def test_it_switches_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Sunshine" in response.content.decode()


def test_it_stays_chinese_for_an_english_browser_until_english_is_chosen(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "阳光招生监督平台" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Sunshine Admissions Oversight" in body


def test_it_refuses_a_nul_character_in_the_query_string(client, db):
    response = client.get("/enrollment/?q=a%00b")
    assert response.status_code == 400
    assert client.get("/enrollment/?q=ab").status_code == 200
