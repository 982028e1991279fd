"""Sphinx configuration of the Lecce Partecipa documentation (MyST Markdown, Furo).

`make docs` builds it into docs/_build/html; the API reference is generated at build
time from the application's own OpenAPI document, never copied by hand.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

project = "Lecce Partecipa"
author = "Comune di Lecce — Ufficio Programmazione Strategica"
copyright = "Comune di Lecce, AGPL-3.0-or-later"
language = "en"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

html_theme = "furo"
html_title = "Lecce Partecipa"
html_static_path = ["_static"]
html_theme_options = {
    "light_css_variables": {"color-brand-primary": "#0066cc", "color-brand-content": "#0059b3"},
}

# `make docs` checks only the links inside the documentation.
linkcheck_ignore = [r"https?://.*", r"mailto:.*"]


def generate_api_reference(app) -> None:
    """Write _generated/openapi.json and a readable reference page from the running code."""
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up chatter
    from consult import create_app
    from consult.api.openapi import document
    from api_reference import render_reference

    flask_app = create_app("testing")
    with flask_app.app_context():
        spec = document()
    out = DOCS / "_generated"
    out.mkdir(exist_ok=True)
    (out / "openapi.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False))
    (out / "api-reference.md").write_text(render_reference(spec), encoding="utf-8")


def setup(app):
    app.connect("builder-inited", generate_api_reference)
