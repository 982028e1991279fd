"""The application class."""
import flask.app

from consult import ConsultApp


def test_a_function_is_asked_once_whether_it_is_a_coroutine_function(monkeypatch):
    asked = []
    monkeypatch.setattr(flask.app, "iscoroutinefunction",
                        lambda func: asked.append(func) or False)
    app = ConsultApp("t")

    def view():
        return "ok"

    assert app.ensure_sync(view) is view
    assert app.ensure_sync(view) is view
    assert asked == [view]


def test_a_coroutine_function_is_still_made_synchronous_by_flask(monkeypatch):
    app = ConsultApp("t")
    made = []
    monkeypatch.setattr(app, "async_to_sync", lambda func: made.append(func) or "sync")

    async def view():
        return "ok"

    assert app.ensure_sync(view) == "sync"
    assert app.ensure_sync(view) == "sync"
    assert made == [view]
