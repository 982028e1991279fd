"""What a phone downloads: the built front-end files (consult/assets.py), served by WhiteNoise
with hashed names, a year's cache and their precompressed copies; pages, JSON and exports
compressed by Flask-Compress."""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import brotli
import pytest

from consult import assets
from tests.proposals.factories import make_process

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(autouse=True)
def inline_stylesheet_on(app, monkeypatch):
    """As in production: the tests' configuration leaves the first visit's inline copy out."""
    monkeypatch.setitem(app.config, "CONSULT_INLINE_STYLESHEET", True)


def _linked(html: str) -> list[str]:
    """The built files a page names: links, scripts, icons and the inline stylesheet's url()s."""
    return re.findall(r'(?:href="|src="|url\(")(/static/[^"#]+)', html)


def test_every_file_a_page_links_is_hashed_and_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    urls = _linked(html)
    assert {re.sub(r"\.[A-Z0-9]{8}\.", ".", url) for url in urls} >= {
        "/static/css/site.css", "/static/js/consult.js", "/static/svg/sprites.svg",
        "/static/icons/icon.svg", "/static/fonts/titillium-web-v10-latin-ext_latin-regular.woff2"}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_files_are_sent_precompressed(client, encoding, decode):
    url = static_url_of(client, "css/site.css")
    plain = client.get(url).data
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < len(plain) / 4
    assert decode(response.data) == plain


def test_the_stylesheet_keeps_what_scripts_and_states_need_and_drops_the_rest(client):
    css = client.get(static_url_of(client, "css/site.css")).get_data(as_text=True)
    # The off-canvas menu the navbar plugin opens, its backdrop, the keyboard focus ring
    # (a selector PurgeCSS drops unless told), form errors, the fonts.
    for selector in (".navbar-collapsable.expanded", ".navbar-backdrop",
                     ":focus:not([data-focus-mouse=true])", ".is-invalid",
                     ".invalid-feedback", ".visually-hidden-focusable", "@font-face"):
        assert selector in css, selector
    # Components no template uses (Bootstrap Italia's full CSS is 600 KB).
    for selector in (".carousel-item", ".it-timeline-wrapper", ".chip-label", ".megamenu"):
        assert selector not in css, selector
    assert len(css) < 150_000


def test_the_icon_sprite_holds_every_icon_the_templates_use(client):
    sprite = client.get(static_url_of(client, "svg/sprites.svg")).get_data(as_text=True)
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    used = set()
    for path in (assets.ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        used |= set(re.findall(r'icon\("(it-[a-z0-9-]+)"', text))
        used |= set(re.findall(r'"\w+": "(it-[a-z0-9-]+)"', text))
    assert used and used <= symbols
    assert len(symbols) < 30


def test_the_scripts_bundle_bootstrap_italias_navbar_plugin(client):
    script = client.get(static_url_of(client, "js/consult.js")).get_data(as_text=True)
    assert '[data-bs-toggle="navbarcollapsible"]' in script
    assert "import " not in script  # one file: no module to fetch after it


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml",
                                  "/static/css/site.css", "/static/manifest.json.gz",
                                  "/vendor/bootstrap-italia/css/bootstrap-italia.min.css"])
def test_only_built_files_are_served(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_and_json_are_compressed(client, encoding, decode):
    make_process(title="Mobilità sostenibile")
    client.get("/")  # the first page has the stylesheet inline; compare two later ones
    plain = client.get("/processes").data
    response = client.get("/processes", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response.data) == plain
    api = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": encoding})
    assert api.headers["Content-Encoding"] == encoding
    assert "/api/v1/processes" in json.loads(decode(api.data))["paths"]
    # Below 500 bytes compressing gains nothing: a short JSON answer goes as it is.
    small = client.get("/api/v1/processes", headers={"Accept-Encoding": encoding})
    assert "Content-Encoding" not in small.headers
    assert small.json["items"][0]["title"] == "Mobilità sostenibile"


def test_a_streamed_csv_export_is_compressed_as_it_is_written(client):
    make_process(title="Mobilità sostenibile")
    plain = client.get("/open-data/processes.csv").data
    response = client.get("/open-data/processes.csv", headers={"Accept-Encoding": "br"})
    assert response.is_streamed
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == plain
    assert "Mobilità sostenibile" in plain.decode()


def test_without_accept_encoding_nothing_is_compressed(client):
    response = client.get("/")
    assert "Content-Encoding" not in response.headers


def static_url_of(client, name: str) -> str:
    html = client.get("/").get_data(as_text=True)
    stem, extension = name.rsplit(".", 1)
    return re.search(rf'"(/static/{re.escape(stem)}\.[A-Z0-9]{{8}}\.{extension})', html).group(1)


def test_a_first_visit_gets_the_stylesheet_in_the_page_and_later_ones_the_cached_file(client):
    first = client.get("/")
    html = first.get_data(as_text=True)
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    # The policy allows exactly this stylesheet, nothing else inline.
    assert f"style-src 'self' 'sha256-{digest}';" in first.headers["Content-Security-Policy"]
    # Its url()s start from the site's root: they work inside any page.
    assert 'url("/static/fonts/' in css and "../" not in css
    assert re.search(r'<link rel="prefetch" href="/static/css/site\.[A-Z0-9]{8}\.css" as="style">', html)
    cookie = client.get_cookie("css")
    assert cookie.value in html and cookie.http_only
    later = client.get("/privacy")
    assert "<style>" not in later.get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.[A-Z0-9]{8}\.css">', later.get_data(as_text=True))
    assert "style-src 'self';" in later.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in later.headers
    # A cookie naming another version (the site has been updated since): inline again.
    client.set_cookie("css", "OLDVERSN")
    assert "<style>" in client.get("/privacy").get_data(as_text=True)
