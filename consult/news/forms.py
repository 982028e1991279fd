"""News forms: they shape and label the input; the services check it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField


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

    image = FileField(_l("Image (optional)"), description=_l(
        "PNG, JPEG or WebP, at most %(mb)s MB. Choosing a new image replaces the one shown."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"})
    image_alt = StringField(_l("Alternative text of the image"), description=_l(
        "Required with an image: what it shows, for those who cannot see it (at most 300 characters)."))
    remove_image = BooleanField(_l("Remove the image from the news item"))

    def image_values(self) -> dict:
        return {"image": self.image.data, "image_alt": self.image_alt.data}

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "title", "summary", "body", "process_id", "publish_at")}
