"""Newsletter forms: they shape and label the input; the services check it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField

from consult.newsletter.services import CONSENT


class SubscribeForm(FlaskForm):
    email = EmailField(_l("E-mail"), description=_l(
        "We send a link to this address: the subscription starts when you open it."))
    consent = BooleanField(CONSENT)


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token (send the newsletter, subscribe from the profile)."""
