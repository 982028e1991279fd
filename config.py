"""Configuration classes, read from environment variables (see README)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'consult.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    DEBUG = False
    TESTING = False

    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    LANGUAGES = ("it", "en")

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    # How many reverse proxies (nginx, a load balancer) stand in front of gunicorn.
    CONSULT_TRUSTED_PROXIES = _int("CONSULT_TRUSTED_PROXIES", 0)

    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Lecce Partecipa <partecipa@comune.lecce.it>")
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", True)
    MAIL_OUTBOX = None  # a list in tests: mail is appended there instead of sent
    # The site's public address, for the links in e-mail sent outside a request (cron, threads).
    CONSULT_BASE_URL = os.environ.get("CONSULT_BASE_URL", "http://127.0.0.1:5000")

    CONSULT_REPORTS_TO_HIDE = _int("CONSULT_REPORTS_TO_HIDE", 3)
    # How long the city figures (home, dashboard, /stats) are kept before being counted again.
    CONSULT_STATS_CACHE_SECONDS = _int("CONSULT_STATS_CACHE_SECONDS", 0)
    # How long a search's ranking is kept (new content is found after at most that long).
    CONSULT_SEARCH_CACHE_SECONDS = _int("CONSULT_SEARCH_CACHE_SECONDS", 0)
    CONSULT_CONFIRM_MAX_AGE = _int("CONSULT_CONFIRM_MAX_AGE", 3 * 24 * 3600)
    CONSULT_RESET_MAX_AGE = _int("CONSULT_RESET_MAX_AGE", 2 * 3600)
    # Issue 21: the largest .docx/.odt/.md file imported, and the largest attachment.
    CONSULT_IMPORT_MAX_BYTES = _int("CONSULT_IMPORT_MAX_BYTES", 20_000_000)
    CONSULT_ATTACHMENT_MAX_BYTES = _int("CONSULT_ATTACHMENT_MAX_BYTES", 20_000_000)
    # Where attachments are stored: a folder (default instance/uploads), or an S3 bucket.
    CONSULT_UPLOADS_DIR = os.environ.get("CONSULT_UPLOADS_DIR", str(INSTANCE_DIR / "uploads"))
    CONSULT_S3_BUCKET = os.environ.get("CONSULT_S3_BUCKET")
    CONSULT_S3_ENDPOINT_URL = os.environ.get("CONSULT_S3_ENDPOINT_URL")
    CONSULT_S3_REGION = os.environ.get("CONSULT_S3_REGION", "eu-south-1")


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-not-for-production")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"


class ProductionConfig(Config):
    CONSULT_STATS_CACHE_SECONDS = _int("CONSULT_STATS_CACHE_SECONDS", 30)
    CONSULT_SEARCH_CACHE_SECONDS = _int("CONSULT_SEARCH_CACHE_SECONDS", 30)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME = None
    # Attachments written by tests go to the system's temporary folder, not instance/.
    CONSULT_UPLOADS_DIR = os.path.join(tempfile.gettempdir(), "consult-test-uploads")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
