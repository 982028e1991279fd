"""Driving a login through the provider with the Flask test client and plain HTTP."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx


def start(client, provider: str = "spid", path: str | None = None, **args):
    """Begin a login (or, with path, a link): the redirect to the provider's authorization page."""
    response = client.post(path) if path else client.get(f"/account/identity/{provider}/login", query_string=args)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.location


def authorize(authorization_url: str, sub: str | None = None, deny: bool = False) -> str:
    """The person logs in (or cancels) at the provider: the callback URL it sends them back to."""
    data = {"action": "deny"} if deny else {"sub": sub}
    response = httpx.post(authorization_url, data=data)
    assert response.status_code == 302, response.text[:500]
    return response.headers["location"]


def callback(client, url: str):
    parts = urlsplit(url)
    return client.get(parts.path, query_string=parse_qs(parts.query))


def log_in_through(client, sub: str, provider: str = "spid", **args):
    """The whole round trip: the answer of the site's callback."""
    return callback(client, authorize(start(client, provider, **args), sub))


def query(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
