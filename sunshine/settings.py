"""Sunshine settings. Every value can be set from the environment; see README "Configuration"."""

import base64
from pathlib import Path

import dj_database_url
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext_lazy as _

from sunshine.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

# The default key only ever serves a local demo; the system check sunshine.W001 warns about it.
DEFAULT_SECRET_KEY = "insecure-local-demo-key-change-me-in-production"
SECRET_KEY = envstr("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = envbool("DEBUG", True)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sunshine.core",
    "sunshine.enrollment",
    "sunshine.lottery",
    "sunshine.training",
    "sunshine.oversight",
    "sunshine.complaints",
    "sunshine.reminders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sunshine.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sunshine.core.middleware.RejectNullBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sunshine.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sunshine" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sunshine.core.context_processors.sunshine",
            ],
        },
    },
]

WSGI_APPLICATION = "sunshine.wsgi.application"

# SQLite by default (zero set-up); PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing with "database is locked" (the web server and the
    # task worker share the file).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sunshine" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Largest accepted upload, in bytes (documents, evidence, attachments, imports).
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Security defaults.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "sunshine@localhost")

# Integrity reminders (sunshine.reminders): the SMS gateway and the sending pace.
# REMINDERS_SMS_BACKEND is "file" (one file per message under REMINDERS_SMS_DIR) or "http"
# (POST to REMINDERS_SMS_URL with REMINDERS_SMS_USER / REMINDERS_SMS_PASSWORD).
REMINDERS_SMS_BACKEND = envstr("REMINDERS_SMS_BACKEND", "file")
REMINDERS_SMS_DIR = envstr("REMINDERS_SMS_DIR", str(BASE_DIR / "var" / "sms"))
REMINDERS_SMS_URL = envstr("REMINDERS_SMS_URL", "")
REMINDERS_SMS_USER = envstr("REMINDERS_SMS_USER", "")
REMINDERS_SMS_PASSWORD = envstr("REMINDERS_SMS_PASSWORD", "")
REMINDERS_SMS_TIMEOUT = envint("REMINDERS_SMS_TIMEOUT", 10)
# Messages claimed per batch; seconds before a batch claimed by a vanished worker is taken
# over; milliseconds to wait between two messages (gateways limit the rate).
REMINDERS_BATCH_SIZE = envint("REMINDERS_BATCH_SIZE", 200)
REMINDERS_LEASE_SECONDS = envint("REMINDERS_LEASE_SECONDS", 300)
REMINDERS_SEND_INTERVAL_MS = envint("REMINDERS_SEND_INTERVAL_MS", 0)

# Background work: django-tasks with its database backend, no broker needed.
TASKS = {"default": {"BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sunshine_cache",
    }
}

# Behind a reverse proxy: the header it sets to the real client address (e.g. X-Real-IP), used
# only to key rate limits (never stored). Empty: the connection's own address.
TRUSTED_PROXY_HEADER = envstr("TRUSTED_PROXY_HEADER", "")

# Public site address, used in links printed on posters and sent in messages.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

# Complaints (信访举报).
# COMPLAINTS_ENCRYPTION_KEY: Fernet key(s) that encrypt complaint text, attachments and reporters'
# identities at rest; comma-separated, newest first (older keys still decrypt, for rotation).
# Make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
# Unset, it is derived from SECRET_KEY by HKDF-SHA256, so changing SECRET_KEY would make stored
# complaints unreadable: set it explicitly in production (system check complaints.W001).
COMPLAINTS_ENCRYPTION_KEY = envstr("COMPLAINTS_ENCRYPTION_KEY", "") or base64.urlsafe_b64encode(
    HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"sunshine.complaints.encryption"
    ).derive(SECRET_KEY.encode())
).decode("ascii")
# Fast-track deadlines, in working days of the Chinese calendar (make-up days count as working).
COMPLAINTS_ACK_WORKING_DAYS = envint("COMPLAINTS_ACK_WORKING_DAYS", 1)
COMPLAINTS_CONCLUDE_WORKING_DAYS = envint("COMPLAINTS_CONCLUDE_WORKING_DAYS", 30)
COMPLAINTS_SEASON_CONCLUDE_WORKING_DAYS = envint("COMPLAINTS_SEASON_CONCLUDE_WORKING_DAYS", 15)
# Enrolment season as MM-DD:MM-DD (inclusive); complaints accepted inside it use the season limit.
COMPLAINTS_ENROLMENT_SEASON = envstr("COMPLAINTS_ENROLMENT_SEASON", "05-01:09-30")
# Remind handlers this many working days before a deadline; escalate the day after it.
COMPLAINTS_REMIND_WORKING_DAYS = envint("COMPLAINTS_REMIND_WORKING_DAYS", 1)
# Concluded, rejected or merged complaints are purged with their files after this many days.
COMPLAINTS_RETENTION_DAYS = envint("COMPLAINTS_RETENTION_DAYS", 730)
# Failed receipt-code look-ups: per client and in total per window, and a delay per failure.
COMPLAINTS_RECEIPT_MAX_FAILURES = envint("COMPLAINTS_RECEIPT_MAX_FAILURES", 5)
COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES = envint("COMPLAINTS_RECEIPT_GLOBAL_MAX_FAILURES", 200)
COMPLAINTS_RECEIPT_WINDOW_SECONDS = envint("COMPLAINTS_RECEIPT_WINDOW_SECONDS", 900)
COMPLAINTS_RECEIPT_FAILURE_DELAY_MS = envint("COMPLAINTS_RECEIPT_FAILURE_DELAY_MS", 1000)
# New complaints accepted per client and hour (counted under an HMAC, no address is kept).
COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR = envint("COMPLAINTS_MAX_SUBMISSIONS_PER_HOUR", 20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Request lines carry client addresses; they are not logged (complaints must stay anonymous).
    "loggers": {"django.server": {"handlers": [], "level": "ERROR", "propagate": False}},
}
