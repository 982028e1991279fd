"""Document forms. They only shape and label the input; the rules live in services."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError

ALLOWED_EXTENSIONS = (".md", ".markdown", ".txt")
# A file larger than this cannot hold a document the import would accept.
MAX_UPLOAD_BYTES = 8_000_000


class ImportDocumentForm(FlaskForm):
    title = StringField(_l("Title"),
                        description=_l("Leave empty to use the “# Title” line at the top of the text."))
    file = FileField(_l("Markdown file"),
                     description=_l("A .md or .txt file in UTF-8. Each “## Heading” line starts a section."))
    body_markdown = TextAreaField(_l("Or paste the text"),
                                  description=_l("Markdown. Each line starting with “## ” begins a new "
                                                 "section; text before the first one becomes an "
                                                 "introduction."))

    def read_body(self) -> str:
        """The pasted text or the uploaded file's content (one of them, not both)."""
        upload = self.file.data
        pasted = self.body_markdown.data or ""
        if not upload or not getattr(upload, "filename", ""):
            return pasted
        if pasted.strip():
            raise ValidationError(_("Upload a file or paste the text, not both."))
        if not upload.filename.lower().endswith(ALLOWED_EXTENSIONS):
            raise ValidationError(_("Choose a Markdown (.md) or text (.txt) file."))
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text: save it as UTF-8 and try again."))


class SectionForm(FlaskForm):
    heading = StringField(_l("Heading"))
    text = TextAreaField(_l("Text"), description=_l("Markdown. Separate paragraphs with a blank line."))


class RetitleForm(FlaskForm):
    heading = StringField(_l("Heading"))


class EditSectionForm(FlaskForm):
    text = TextAreaField(_l("Text"),
                         description=_l("Markdown. Separate paragraphs with a blank line; readers "
                                        "comment paragraph by paragraph. At most 100,000 characters."))
    message = StringField(_l("What did you change?"),
                          description=_l("Optional, shown in the history (at most 300 characters)."))
    base_revision = HiddenField()


class AmendmentForm(FlaskForm):
    text = TextAreaField(_l("Your text for this section"),
                         description=_l("Change the text as you would like it to read. Markdown; "
                                        "separate paragraphs with a blank line."))
    rationale = TextAreaField(_l("Why should it change?"),
                              description=_l("Explain your amendment to the office and to other "
                                             "participants (at most 5,000 characters)."))


class AcceptAmendmentForm(FlaskForm):
    reason = TextAreaField(_l("Note for the author (optional)"))


class ResolveAmendmentForm(FlaskForm):
    text = TextAreaField(_l("Resolved text"))
    base_revision = HiddenField()
    reason = HiddenField()


class RejectAmendmentForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejecting"),
                           description=_l("Required: the author is told this reason."))
