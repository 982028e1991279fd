"""The programmatic document's round trip with Word and LibreOffice (issue 21): import a
.docx, .odt or .md file as a new document, export .docx, .odt and PDF, re-import a
revised export merged three ways."""
from flask import Blueprint

bp = Blueprint("docfiles", __name__)

from consult.docfiles import views  # noqa: E402,F401  (routes attach to bp)
