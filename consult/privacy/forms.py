"""Privacy forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"),
                             description=_l("Enter it again to confirm that it is really you."))
    confirm = BooleanField(_l("I understand that my account cannot be recovered"))
