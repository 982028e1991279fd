"""The open data page, the downloads, the catalogue and the feeds."""
from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template, stream_with_context, url_for
from flask_babel import force_locale, gettext as _

from consult.database import utcnow
from consult.exports import csv_response
from consult.opendata import bp, catalog, services


def _external(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


@bp.route("/open-data")
def index():
    datasets = [(dataset, services.last_modified(dataset)) for dataset in services.DATASETS.values()]
    return render_template("opendata/index.html", datasets=datasets,
                           license_url=services.LICENSE_URL, license_name=services.LICENSE_NAME)


@bp.route("/open-data/<name>.<any(csv, json):fmt>")
def download(name: str, fmt: str):
    dataset = services.get_dataset(name)
    if dataset is None:
        abort(404)
    filename = f"lecce-partecipa-{dataset.name}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, dataset.columns, dataset.rows())
    return Response(stream_with_context(services.json_chunks(dataset, dataset.rows())),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/open-data/catalog.jsonld")
def catalog_jsonld():
    # In Italian, as its language tags say, whatever language the browser chose: the
    # national portal's harvester reads DCAT-AP_IT catalogues in the site's language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        entry = catalog.catalog(
            _external,
            title=_("Lecce Partecipa: open data of the participatory processes"),
            description=_("Processes, proposals with their votes, action plans with their "
                          "budgets and the public comments of Lecce Partecipa, the "
                          "participatory platform of the Comune di Lecce."),
        )
    return Response(json.dumps(entry, ensure_ascii=False, indent=1),
                    mimetype="application/ld+json")


@bp.route("/open-data/proposals.atom")
def proposals_feed():
    proposals = services.newest_proposals()
    return _atom("opendata/proposals.atom.xml", entries=proposals,
                 updated=max((p.updated_at for p in proposals), default=None))


@bp.route("/open-data/plan-updates.atom")
def plan_updates_feed():
    updates = services.newest_plan_updates()
    return _atom("opendata/plan_updates.atom.xml", entries=updates,
                 updated=max((u.created_at for u in updates), default=None))


@bp.route("/open-data/funding-calls.atom")
def calls_feed():
    calls = services.newest_calls()
    return _atom("opendata/funding_calls.atom.xml", entries=calls,
                 updated=max((c.updated_at for c in calls), default=None))


def _atom(template: str, **context) -> Response:
    from consult.search.services import plain

    context["updated"] = context["updated"] or utcnow()
    body = render_template(template, plain=plain, external=_external, publisher=services.PUBLISHER,
                           license_url=services.LICENSE_URL, license_name=services.LICENSE_NAME,
                           **context)
    return Response(body, mimetype="application/atom+xml")
