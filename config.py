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


def _oidc_providers() -> dict[str, dict[str, str]]:
    """SPID/CIE providers: CONSULT_OIDC_PROVIDERS names them ("spid,cie"), and each NAME's
    CONSULT_OIDC_NAME_* variables give its settings (see README, consult/identity/providers.py)."""
    names = [name.strip().lower() for name in os.environ.get("CONSULT_OIDC_PROVIDERS", "").split(",")]
    providers = {}
    for name in filter(None, names):
        prefix = f"CONSULT_OIDC_{name.upper()}_"
        providers[name] = {key.removeprefix(prefix).lower(): value
                           for key, value in os.environ.items() if key.startswith(prefix)}
    return providers


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'consult.sqlite'}"
    )
    # No pool_pre_ping: consult.connections checks each connection before it is lent (the
    # same ping, skipped for a connection used a moment ago whose socket shows it open).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
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
    # A Redis outage must not answer 500: the limits go on counting in each process's
    # memory (Flask-Limiter logs the switch, and the switch back once Redis answers), and
    # an error of the limiter's bookkeeping after the view (its headers) is logged, never raised.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1} if REDIS_URL else {}

    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Lecce Partecipa <partecipa@comune.lecce.it>")
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", True)
    MAIL_OUTBOX = None  # a list in tests: mail is appended there instead of sent
    SMTP_TIMEOUT = _int("SMTP_TIMEOUT", 30)
    # Mail that SMTP refuses is tried again: after 1 min, 2, 4... at most every 4 hours,
    # for MAIL_RETRY_HOURS; then it is listed for staff (Administration → E-mail delivery).
    MAIL_RETRY_HOURS = _int("MAIL_RETRY_HOURS", 24)
    MAIL_RETRY_FIRST_SECONDS = _int("MAIL_RETRY_FIRST_SECONDS", 60)
    MAIL_RETRY_MAX_SECONDS = _int("MAIL_RETRY_MAX_SECONDS", 4 * 3600)
    # Daily digests go out from this hour (Europe/Rome).
    CONSULT_DIGEST_HOUR = _int("CONSULT_DIGEST_HOUR", 8)
    # The task queue (consult/tasks.py): SQLite here unless REDIS_URL is set.
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", str(INSTANCE_DIR / "huey.sqlite"))
    HUEY_WORKERS = _int("HUEY_WORKERS", 2)
    HUEY_IMMEDIATE = False  # True in tests: a task runs in-process when it is queued
    # The site's public address: every link in e-mail is built from it, never from the
    # request, and its host name is the one the site answers to (TRUSTED_HOSTS).
    CONSULT_BASE_URL = os.environ.get("CONSULT_BASE_URL", "http://127.0.0.1:5000")
    # Other host names the site answers to, comma-separated (".example.org" admits subdomains).
    CONSULT_EXTRA_HOSTS = os.environ.get("CONSULT_EXTRA_HOSTS", "")

    CONSULT_REPORTS_TO_HIDE = _int("CONSULT_REPORTS_TO_HIDE", 3)
    # How long the city figures (home, dashboard, /stats) are kept before being counted again.
    CONSULT_STATS_CACHE_SECONDS = _int("CONSULT_STATS_CACHE_SECONDS", 0)
    # How long a search's ranking is kept (new content is found after at most that long).
    CONSULT_SEARCH_CACHE_SECONDS = _int("CONSULT_SEARCH_CACHE_SECONDS", 0)
    CONSULT_CONFIRM_MAX_AGE = _int("CONSULT_CONFIRM_MAX_AGE", 3 * 24 * 3600)
    CONSULT_RESET_MAX_AGE = _int("CONSULT_RESET_MAX_AGE", 2 * 3600)
    # The newsletter is prepared by the task queue this many messages per task.
    NEWSLETTER_BATCH_SIZE = _int("NEWSLETTER_BATCH_SIZE", 200)
    # Log in with SPID and CIE (OpenID Connect); none configured: no button.
    OIDC_PROVIDERS = _oidc_providers()
    # The key of the fiscal numbers' HMAC (default: derived from SECRET_KEY).
    CONSULT_IDENTITY_HASH_KEY = os.environ.get("CONSULT_IDENTITY_HASH_KEY")
    # A login without "Stay logged in" ends after this many hours without a request.
    CONSULT_SESSION_IDLE_HOURS = _int("CONSULT_SESSION_IDLE_HOURS", 24)
    # Issue 21: the largest .docx/.odt/.md file imported, and the largest attachment.
    CONSULT_IMPORT_MAX_BYTES = _int("CONSULT_IMPORT_MAX_BYTES", 20_000_000)
    CONSULT_ATTACHMENT_MAX_BYTES = _int("CONSULT_ATTACHMENT_MAX_BYTES", 20_000_000)
    # Issue 23: the largest image of a news item (PNG, JPEG or WebP), stored like attachments.
    CONSULT_NEWS_IMAGE_MAX_BYTES = _int("CONSULT_NEWS_IMAGE_MAX_BYTES", 5_000_000)
    # Where attachments are stored: a folder (default instance/uploads), or an S3 bucket.
    CONSULT_UPLOADS_DIR = os.environ.get("CONSULT_UPLOADS_DIR", str(INSTANCE_DIR / "uploads"))

    # Pages, JSON, feeds and CSV exports compressed by Flask-Compress (brotli, else gzip);
    # static files are precompressed by the build and served by WhiteNoise (consult/assets.py).
    COMPRESS_MIMETYPES = ["text/html", "application/json", "application/problem+json",
                          "application/manifest+json", "application/ld+json",
                          "application/atom+xml", "application/xml", "text/xml", "text/csv",
                          "text/plain", "text/calendar"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br"]  # CSV exports, sent as they are written
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
    # Pages link the stylesheet, so tests compare and search pages without the first visit's
    # inline copy; tests/site/test_static_files.py and the browser budgets turn it back on.
    CONSULT_INLINE_STYLESHEET = False
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    HUEY_IMMEDIATE = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME = None
    OIDC_PROVIDERS: dict = {}
    # Attachments written by tests go to the system's temporary folder, not instance/.
    CONSULT_UPLOADS_DIR = os.path.join(tempfile.gettempdir(), "consult-test-uploads")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
