"""Identity forms: completing a first login through SPID or CIE."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from consult.accounts.forms import CATEGORY_LABELS
from consult.accounts.models import CATEGORIES
from consult.forms import labelled

REQUIRED = DataRequired(message=_l("This field is required."))


class CompleteAccountForm(FlaskForm):
    display_name = StringField(_l("Name shown to others"), validators=[REQUIRED, Length(max=80)],
                               description=_l("Your name or your organisation's name, 2 to 80 characters."))
    category = SelectField(_l("You take part as"), choices=labelled(CATEGORIES, CATEGORY_LABELS),
                           validators=[REQUIRED])
    accept_terms = BooleanField(_l("I accept the terms of use and I have read the privacy notice"))


class IdentityActionForm(FlaskForm):
    """Link or unlink a provider from the profile (the CSRF token only)."""
