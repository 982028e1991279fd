"""consult.urls.memoized_url_for: the templates' url_for, remembering the links it built."""
from __future__ import annotations

from flask import Flask

from consult.urls import memoized_url_for


def _app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/items/<int:item_id>", "items.detail", lambda item_id: "")
    app.add_url_rule("/items", "items.index", lambda: "")
    return app


def test_it_answers_what_url_for_answers_and_remembers_it():
    app = _app()
    url_for = memoized_url_for(app)
    with app.test_request_context():
        assert url_for("items.detail", item_id=3) == "/items/3"
        assert url_for("items.index", page=2, sort="new") == "/items?page=2&sort=new"
        app.url_map.add(app.url_rule_class("/moved/<int:item_id>", endpoint="items.detail"))
        assert url_for("items.detail", item_id=3) == "/items/3"  # remembered


def test_equal_values_of_other_types_and_other_script_roots_are_other_links():
    app = _app()
    url_for = memoized_url_for(app)
    with app.test_request_context():
        assert url_for("items.index", page=1) == "/items?page=1"
        assert url_for("items.index", page=True) == "/items?page=True"
    with app.test_request_context(environ_overrides={"SCRIPT_NAME": "/site"}):
        assert url_for("items.index", page=1) == "/site/items?page=1"


def test_options_and_unhashable_values_are_built_every_time():
    app = _app()
    url_for = memoized_url_for(app)
    with app.test_request_context():
        assert url_for("items.index", _anchor="top") == "/items#top"
        assert url_for("items.index", _external=True) == "http://localhost/items"
        assert url_for("items.index", ids=[1, 2]) == "/items?ids=1&ids=2"
        assert url_for("items.index", ids=[1, 2]) == "/items?ids=1&ids=2"


def test_an_endpoint_relative_to_the_blueprint_is_the_current_blueprint_s():
    from flask import Blueprint

    app = Flask(__name__)
    for name in ("one", "two"):
        blueprint = Blueprint(name, __name__, url_prefix=f"/{name}")
        blueprint.add_url_rule("/", "index", lambda: "")
        app.register_blueprint(blueprint)
    url_for = memoized_url_for(app)
    for name in ("one", "two"):
        with app.test_request_context(f"/{name}/"):
            app.preprocess_request()
            assert url_for(".index") == f"/{name}/"


def test_url_defaults_switch_the_memory_off():
    app = _app()
    url_for = memoized_url_for(app)
    version = {"n": 1}

    @app.url_defaults
    def add_version(endpoint, values):
        values.setdefault("v", version["n"])

    with app.test_request_context():
        assert url_for("items.index") == "/items?v=1"
        version["n"] = 2
        assert url_for("items.index") == "/items?v=2"
