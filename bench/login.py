"""Cookies of a browser that has been here before, for the in-process tools (profile.py,
instructions.py): bench account 2, a staff account, logs in through the login form as a
person would, and the browser then shows the page it was sent to and the measured page, so
that the session cookie no longer carries the welcome message nor lacks the form token, and
the `css` cookie says the stylesheet is in the browser's cache. Otherwise every measured
request would show the message again and write a new session cookie."""
from __future__ import annotations

import re

from consult.bench.generate import BENCH_DOMAIN, BENCH_PASSWORD

# The production settings check the Referer of form posts (WTF_CSRF_SSL_STRICT).
REFERER = {"Referer": "https://localhost/account/login"}
# Flask-Login's session protection marks a session no longer fresh (and so writes the
# cookie again) when a request's User-Agent differs from the login's: send the same one.
USER_AGENT = "consult-bench"


def staff_cookie(app, client=None, path: str = "/") -> str:
    """Logs `client` (a new test client if None) in and visits `path`; returns the
    Cookie header's value a browser would then send."""
    client = client or app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    html = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    answer = client.post("/account/login", headers=REFERER,
                         data={"email": f"user2@{BENCH_DOMAIN}", "password": BENCH_PASSWORD,
                               "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"the staff login was answered {answer.status_code}")
    client.get(answer.headers["Location"])
    client.get(path)
    return visitor_cookie(client)


def returning_visitor_cookie(app, path: str) -> str:
    """The cookies of an anonymous browser that has seen `path` once (the stylesheet's)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    client.get(path)
    return visitor_cookie(client)


def visitor_cookie(client) -> str:
    names = ("session", "css")
    return "; ".join(f"{name}={client.get_cookie(name).value}" for name in names
                     if client.get_cookie(name) is not None)
