"""Search: one box in the header over proposals, plans, sections, amendments and comments."""
from flask import Blueprint

import consult.search.schema  # noqa: F401  (the indexes and FTS tables come with the schema)

bp = Blueprint("search", __name__)

from consult.search import views  # noqa: E402,F401  (routes attach to bp)
