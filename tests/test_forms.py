"""Our forms give WTForms choices in the shape it wants: no DeprecationWarning for tuples."""
from __future__ import annotations

import importlib
import pkgutil
import warnings

import pytest
from flask_wtf import FlaskForm
from wtforms.fields import SelectChoice, SelectFieldBase

import consult


def _form_classes() -> list[type[FlaskForm]]:
    """Every form declared in a consult.<feature>.forms module."""
    classes = {}
    for module_info in pkgutil.walk_packages(consult.__path__, "consult."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, FlaskForm) and value is not FlaskForm:
                    classes[f"{value.__module__}.{value.__name__}"] = value
    return [classes[name] for name in sorted(classes)]


def test_the_scan_finds_the_forms():
    names = {form.__name__ for form in _form_classes()}
    assert {"RegisterForm", "VoteForm", "AuditFilterForm", "PlanForm"} <= names


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda form: form.__name__)
def test_every_form_builds_without_deprecated_choices(app, form_class):
    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        form = form_class(meta={"csrf": False})
    for field in form:
        if isinstance(field, SelectFieldBase) and field.choices:
            assert all(isinstance(choice, SelectChoice) for choice in field.choices), field.name


def test_quick_select_draws_what_wtforms_draws(app):
    """consult.forms.QuickSelect (the lists' filters) answers WTForms' own HTML."""
    from flask_babel import lazy_gettext
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict
    from wtforms import SelectField
    from wtforms.fields import SelectChoice
    from wtforms.widgets import Select

    from consult.forms import QuickSelect, options

    choices = options([("1", 'Piazza "Duomo" & <via>'), ("2", lazy_gettext("Proposals")),
                       ("3", "")], empty=lazy_gettext("Any process"))
    choices.append(SelectChoice("4", "Con attributi", render_kw={"disabled": True}))

    class Plain(FlaskForm):
        class Meta:
            csrf = False
        pick = SelectField("Pick", choices=choices, validate_choice=False, widget=Select())
        flag = SelectField("Flag", choices=options([(True, "Yes"), (False, "No")]), coerce=bool,
                           validate_choice=False, widget=Select())

    class Quick(Plain):
        pick = SelectField("Pick", choices=choices, validate_choice=False, widget=QuickSelect())
        flag = SelectField("Flag", choices=options([(True, "Yes"), (False, "No")]), coerce=bool,
                           validate_choice=False, widget=QuickSelect())

    with app.test_request_context():
        for data in ({}, {"pick": "2"}, {"pick": "1", "flag": "True"}):
            plain, quick = Plain(MultiDict(data)), Quick(MultiDict(data))
            for name in ("pick", "flag"):
                assert quick[name](class_="form-select") == plain[name](class_="form-select")
        assert 'selected value="2">Proposte</option>' in Quick(MultiDict({"pick": "2"})).pick()
