"""Absolute links to the site, and the host names it answers to.

Every absolute link that leaves the site (e-mail, feeds) is built from the configured
public address, CONSULT_BASE_URL, never from the request: a forged `Host` or
`X-Forwarded-Host` header cannot point a mailed reset link at another site. The same
address gives Flask's TRUSTED_HOSTS, so requests for any other host are refused (400).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask.globals import _cv_request

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


# Links built on a page are mostly the same few (the navigation, the footer, a list's
# items): werkzeug builds each again on every call, a tenth of a simple page's time.
URL_MEMO_SIZE = 4096


def memoized_url_for(app: Flask) -> Callable[..., str]:
    """`app.url_for` remembering the relative links it built during requests, per script
    root. Calls it cannot answer from memory go to `app.url_for` unchanged: outside a
    request, endpoints relative to the blueprint (".name"), options (_external, _anchor…),
    unhashable values, and any application with @url_defaults functions (they may change
    a link from one request to the next)."""
    build = app.url_for
    memo: dict[tuple, str] = {}

    def url_for(endpoint: str, /, **values) -> str:
        request_context = _cv_request.get(None)
        adapter = request_context.url_adapter if request_context is not None else None
        if (adapter is None or endpoint[:1] == "." or app.url_default_functions
                or any(name[:1] == "_" for name in values)):
            return build(endpoint, **values)
        # The values' types too: page=1 and page=True are equal keys but different links.
        key = (adapter.script_name, endpoint, *values.items(),
               *map(type, values.values()))
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list of ids)
            return build(endpoint, **values)
        url = build(endpoint, **values)
        if len(memo) >= URL_MEMO_SIZE:
            memo.clear()
        memo[key] = url
        return url

    return url_for
