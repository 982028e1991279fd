"""Absolute links to the site, and the host names it answers to.

Every absolute link that leaves the site (e-mail, feeds) is built from the configured
public address, CONSULT_BASE_URL, never from the request: a forged `Host` or
`X-Forwarded-Host` header cannot point a mailed reset link at another site. The same
address gives Flask's TRUSTED_HOSTS, so requests for any other host are refused (400).
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import current_app

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
# Always answered: `make run`, health checks on the server itself and the test client.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def base_url() -> str:
    return current_app.config.get("CONSULT_BASE_URL") or DEFAULT_BASE_URL


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` at the public address (inside a request or not)."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def external_path(path: str) -> str:
    """A site path ("/comments/3") as an absolute URL at the public address."""
    if urlsplit(path).scheme:
        return path
    return base_url().rstrip("/") + "/" + path.lstrip("/")


def trusted_hosts(config: Mapping) -> list[str]:
    """The host names the site serves: the public address's, CONSULT_EXTRA_HOSTS
    (comma-separated; a name starting with a dot admits its subdomains) and loopback."""
    public = urlsplit(config.get("CONSULT_BASE_URL") or DEFAULT_BASE_URL).hostname
    extra = [name.strip().lower() for name in (config.get("CONSULT_EXTRA_HOSTS") or "").split(",")]
    hosts = [public, *extra, *LOOPBACK_HOSTS]
    return list(dict.fromkeys(host for host in hosts if host))
