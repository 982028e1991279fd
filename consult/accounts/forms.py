"""Account forms. Rules live in services; forms only shape and label the input."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from consult.accounts.models import CATEGORIES, MEMBERSHIP_ROLES, ORGANIZATION_KINDS, ROLES
from consult.forms import labelled, options

CATEGORY_LABELS = {
    "citizen": _l("Citizen"),
    "business": _l("Business"),
    "academia": _l("Academia and research"),
    "institution": _l("Institution"),
    "association": _l("Association"),
}
ROLE_LABELS = {
    "participant": _l("Participant"),
    "moderator": _l("Moderator"),
    "staff": _l("Staff"),
    "admin": _l("Administrator"),
}
KIND_LABELS = {
    "university": _l("University"),
    "research_centre": _l("Research centre"),
    "technology_district": _l("Technology district"),
    "firm": _l("Firm"),
    "public_body": _l("Public body"),
    "association": _l("Association"),
}
MEMBERSHIP_ROLE_LABELS = {"member": _l("Member"), "editor": _l("Editor")}
LANGUAGE_LABELS = {"": _l("Site default (Italian)"), "it": "Italiano", "en": "English"}

REQUIRED = DataRequired(message=_l("This field is required."))


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[REQUIRED, Length(max=254)])
    display_name = StringField(_l("Name shown to others"), validators=[REQUIRED, Length(max=80)],
                               description=_l("Your name or your organisation's name, 2 to 80 characters."))
    password = PasswordField(_l("Password"), validators=[REQUIRED],
                             description=_l("At least 12 characters; common passwords are refused."))
    category = SelectField(_l("You take part as"), choices=labelled(CATEGORIES, CATEGORY_LABELS),
                           validators=[REQUIRED])
    accept_terms = BooleanField(_l("I accept the terms of use and I have read the privacy notice"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[REQUIRED])
    password = PasswordField(_l("Password"), validators=[REQUIRED])
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[REQUIRED])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[REQUIRED],
                             description=_l("At least 12 characters; common passwords are refused."))


class ResendConfirmationForm(FlaskForm):
    pass


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name shown to others"), validators=[REQUIRED, Length(max=80)])
    category = SelectField(_l("You take part as"), choices=labelled(CATEGORIES, CATEGORY_LABELS))
    locale = SelectField(_l("Language of the site and of e-mails"),
                         choices=options(LANGUAGE_LABELS.items()))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[REQUIRED])
    new_password = PasswordField(_l("New password"), validators=[REQUIRED],
                                 description=_l("At least 12 characters; common passwords are refused."))


class MembershipRequestForm(FlaskForm):
    message = TextAreaField(_l("Message to the office (optional)"), validators=[Length(max=1000)],
                            description=_l("For example your role in the organisation."))


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[REQUIRED, Length(max=200)])
    kind = SelectField(_l("Kind"), choices=labelled(ORGANIZATION_KINDS, KIND_LABELS))
    is_partner = BooleanField(_l("Partner of the smart-city framework agreement"))
    website = StringField(_l("Website (optional)"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=5000)])


class MembershipDecisionForm(FlaskForm):
    role = SelectField(_l("Role in the organisation"), choices=labelled(MEMBERSHIP_ROLES, MEMBERSHIP_ROLE_LABELS))


class MembershipRoleForm(FlaskForm):
    role = SelectField(_l("Role in the organisation"), choices=labelled(MEMBERSHIP_ROLES, MEMBERSHIP_ROLE_LABELS))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=labelled(ROLES, ROLE_LABELS))
