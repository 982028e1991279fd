"""News forms: they shape and label the input; the services check it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField


class NewsForm(FlaskForm):
    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Summary"), description=_l(
        "One or two sentences, shown in lists and on the home page (at most 500 characters)."))
    body = TextAreaField(_l("Text"), description=_l(
        "Markdown is allowed: **bold**, *italic*, lists and links."))
    process_id = SelectField(_l("Process (optional)"), validate_choice=False)
    publish_at = StringField(
        _l("Publish at (optional)"),
        description=_l("Lecce's time, as YYYY-MM-DD HH:MM. Leave it empty to publish now; a "
                       "future time schedules the publication."),
        render_kw={"type": "datetime-local"})

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "summary", "body", "process_id", "publish_at")}
