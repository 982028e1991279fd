"""The search page, and the link from a comment in the results to its place in a thread."""
from __future__ import annotations

from flask import abort, redirect, render_template, request
from sqlalchemy import select

from consult.comments.models import Comment
from consult.comments.services import comment_url
from consult.database import is_valid_id
from consult.errors import InvalidInput
from consult.extensions import db
from consult.search import bp, services
from consult.search.visibility import public_comment
from consult.web import page_number


@bp.route("/search")
def index():
    raw = request.args.get("q")
    kind = request.args.get("type") or None
    results, message = None, None
    if raw is not None:
        try:
            results = services.search(raw, kind=kind, page=page_number())
        except InvalidInput as error:
            message = error.message
    return render_template("search/index.html", q=(raw or "")[:services.MAX_QUERY_CHARS],
                           kind=kind, results=results, message=message,
                           labels=services.KIND_LABELS, max_chars=services.MAX_QUERY_CHARS)


@bp.route("/search/comment/<int:comment_id>")
def comment(comment_id: int):
    """Where a comment found by search sits: its item's page, at the right thread page."""
    if not is_valid_id(comment_id):
        abort(404)
    found = db.session.scalar(select(Comment).where(Comment.id == comment_id, public_comment()))
    if found is None:
        abort(404)
    return redirect(comment_url(found))
