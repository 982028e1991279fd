"""Administration forms that are not the accounts feature's own."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from consult.accounts.forms import CATEGORY_LABELS, ROLE_LABELS
from consult.accounts.models import CATEGORIES, ROLES
from consult.forms import labelled, options


class AccountFilterForm(FlaskForm):
    """The accounts list's search and filters, read from the query string (GET)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail contains"))
    role = SelectField(_l("Role"), validate_choice=False,
                       choices=labelled(ROLES, ROLE_LABELS, empty=_l("Any role")))
    category = SelectField(_l("Category"), validate_choice=False,
                           choices=labelled(CATEGORIES, CATEGORY_LABELS, empty=_l("Any category")))
    blocked = SelectField(_l("Status"), validate_choice=False,
                          choices=options([("blocked", _l("Blocked")), ("active", _l("Not blocked"))],
                                          empty=_l("Any status")))
