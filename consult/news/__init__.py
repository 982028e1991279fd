"""The office's news: on the home page, the process pages, a list and an Atom feed."""
from flask import Blueprint

bp = Blueprint("news", __name__)

from consult.news import views  # noqa: E402,F401


@bp.record_once
def _template_helpers(state) -> None:
    """`latest_news(limit, process_id)` for the home page and the process pages: cards."""
    from consult.news.services import latest_news_cards

    state.app.jinja_env.globals["latest_news"] = latest_news_cards
