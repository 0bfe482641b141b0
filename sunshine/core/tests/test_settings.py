import importlib

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunshine.lib import env


def test_it_defaults_to_chinese_shanghai_and_sqlite():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_it_reads_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/sunshine")
    import sunshine.settings as mod

    try:
        reloaded = importlib.reload(mod)
        assert reloaded.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        assert reloaded.DATABASES["default"]["NAME"] == "sunshine"
    finally:
        monkeypatch.delenv("DATABASE_URL")
        importlib.reload(mod)


def test_it_refuses_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env.envbool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env.envbool("SOME_FLAG", True) is False


def test_it_refuses_a_bad_integer(monkeypatch):
    monkeypatch.setenv("SOME_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_INT"):
        env.envint("SOME_INT", 1)
