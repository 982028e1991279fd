"""A staff session for the in-process tools (profile.py, instructions.py): bench account 2
logs in through the login form, as a person would; its session cookie is returned."""
from __future__ import annotations

import re

from consult.bench.generate import BENCH_DOMAIN, BENCH_PASSWORD


def staff_cookie(app, client=None) -> str:
    """Logs `client` (a new test client if None) in; returns its Cookie header's value."""
    client = client or app.test_client()
    html = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    # The production settings check the Referer of form posts (WTF_CSRF_SSL_STRICT).
    answer = client.post("/account/login", headers={"Referer": "https://localhost/account/login"},
                         data={"email": f"user2@{BENCH_DOMAIN}", "password": BENCH_PASSWORD,
                               "csrf_token": token})
    if answer.status_code != 302:
        raise RuntimeError(f"the staff login was answered {answer.status_code}")
    return f"session={client.get_cookie('session').value}"
