"""What each audit action and target type code means, in words, for the audit log page.

The log stores the codes (they are data: the API and the CSV keep them); the page shows
these labels. tests/moderation/test_audit_labels.py checks that every action code the code
base records has one, tests/moderation/test_audit_every_action.py every target type.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

ACTION_LABELS = {
    # news
    "news.created": _l("News written"),
    "news.updated": _l("News changed"),
    "news.unpublished": _l("News unpublished"),
    "news.republished": _l("News published again"),
    "news.image_added": _l("News image added"),
    "news.image_replaced": _l("News image replaced"),
    "news.image_removed": _l("News image removed"),
    # the newsletter
    "newsletter.subscribed": _l("Newsletter subscription confirmed"),
    "newsletter.unsubscribed": _l("Newsletter unsubscription"),
    "newsletter.sent": _l("News sent as the newsletter"),
    # funding calls
    "call.created": _l("Funding call published"),
    "call.updated": _l("Funding call changed"),
    "call.interest_expressed": _l("Interest in a funding call expressed"),
    "call.interest_withdrawn": _l("Interest in a funding call withdrawn"),
    "call.consortium_confirmed": _l("Organisation confirmed in a consortium"),
    "call.consortium_removed": _l("Organisation taken out of a consortium"),
    # processes, documents and amendments
    "process.created": _l("Process created"),
    "process.edited": _l("Process edited"),
    "process.phase_changed": _l("Process phase changed"),
    "document.created": _l("Document created"),
    "document.published": _l("Document published"),
    "document.unpublished": _l("Document unpublished"),
    "section.added": _l("Section added"),
    "section.retitled": _l("Section heading changed"),
    "section.moved": _l("Section moved"),
    "amendment.accepted": _l("Amendment accepted"),
    "amendment.rejected": _l("Amendment rejected"),
    # proposals and drafts
    "proposal.published": _l("Proposal published"),
    "proposal.edited": _l("Proposal edited"),
    "proposal.sections_changed": _l("Sections of a proposal changed"),
    "proposal.status_changed": _l("Proposal status changed"),
    "proposal.answered": _l("Proposal answered"),
    "proposal.voting_opened": _l("Voting on a proposal opened"),
    "proposal.voting_closed": _l("Voting on a proposal closed"),
    "draft.adopted": _l("Draft adopted as a proposal"),
    "draft.declined": _l("Draft declined"),
    # action plans and the report back
    "plan.created": _l("Action plan created"),
    "plan.updated": _l("Action plan updated"),
    "plan.milestone_added": _l("Milestone added"),
    "plan.milestone_edited": _l("Milestone edited"),
    "plan.milestone_done": _l("Milestone completed"),
    "plan.milestone_reopened": _l("Milestone reopened"),
    "plan.milestone_removed": _l("Milestone removed"),
    "plan.update_added": _l("Progress update published"),
    "plan.update_withdrawn": _l("Progress update withdrawn"),
    "report.saved": _l("Report back saved"),
    "report.published": _l("Report back published"),
    # questionnaires
    "questionnaire.created": _l("Questionnaire created"),
    "questionnaire.updated": _l("Questionnaire updated"),
    "questionnaire.question_added": _l("Question added to a questionnaire"),
    "questionnaire.question_edited": _l("Question of a questionnaire edited"),
    "questionnaire.question_removed": _l("Question removed from a questionnaire"),
    "questionnaire.questions_reordered": _l("Questions of a questionnaire reordered"),
    "questionnaire.opened": _l("Questionnaire opened"),
    "questionnaire.closed": _l("Questionnaire closed"),
    "questionnaire.unpublished": _l("Questionnaire back to draft"),
    "questionnaire.answer_hidden": _l("Questionnaire answer hidden"),
    "questionnaire.answer_restored": _l("Questionnaire answer restored"),
    # accounts and organisations
    "user.role_changed": _l("Account role changed"),
    "user.blocked": _l("Account blocked"),
    "user.unblocked": _l("Account unblocked"),
    "identity.linked": _l("SPID/CIE identity linked"),
    "identity.unlinked": _l("SPID/CIE identity unlinked"),
    "identity.verified": _l("Account verified with SPID/CIE"),
    "organization.created": _l("Organisation added"),
    "membership.added": _l("Member added to an organisation"),
    "membership.approved": _l("Membership request approved"),
    "membership.refused": _l("Membership request refused"),
    "membership.role_changed": _l("Role in an organisation changed"),
    # moderation (one code per reportable type: comment, amendment, draft)
    "comment.hidden": _l("Comment hidden"),
    "comment.auto_hidden": _l("Comment hidden automatically after reports"),
    "comment.restored": _l("Comment restored"),
    "comment.reports_dismissed": _l("Reports on a comment dismissed"),
    "amendment.hidden": _l("Amendment hidden"),
    "amendment.auto_hidden": _l("Amendment hidden automatically after reports"),
    "amendment.restored": _l("Amendment restored"),
    "amendment.reports_dismissed": _l("Reports on an amendment dismissed"),
    "draft.hidden": _l("Draft hidden"),
    "draft.auto_hidden": _l("Draft hidden automatically after reports"),
    "draft.restored": _l("Draft restored"),
    "draft.reports_dismissed": _l("Reports on a draft dismissed"),
    # the log itself
    "audit.exported": _l("Audit log downloaded"),
    # the Word/LibreOffice round trip and attachments (issue 21)
    "document.reimported": _l("Revised file imported into a document"),
    "attachment.added": _l("File attached"),
    "attachment.hidden": _l("Attachment removed"),
    "attachment.restored": _l("Attachment restored"),
}


# What an entry is about (AuditEntry.target_type).
TARGET_TYPE_LABELS = {
    "news": _l("News"),
    "newsletter_subscription": _l("Newsletter subscription"),
    "call": _l("Funding call"),
    "process": _l("Process"),
    "document": _l("Document"),
    "section": _l("Section"),
    "amendment": _l("Amendment"),
    "proposal": _l("Proposal"),
    "draft": _l("Draft"),
    "plan": _l("Action plan"),
    "comment": _l("Comment"),
    "user": _l("Account"),
    "organization": _l("Organisation"),
    "membership": _l("Membership of an organisation"),
    "audit_log": _l("Audit log"),
    "questionnaire": _l("Questionnaire"),
    "attachment": _l("Attachment"),
}


def _label(labels: dict, code: str) -> str:
    """The code in words; an unknown code (an older or newer release) shows as it is."""
    label = labels.get(code)
    return str(label) if label is not None else code


def action_label(code: str) -> str:
    return _label(ACTION_LABELS, code)


def target_type_label(code: str) -> str:
    return _label(TARGET_TYPE_LABELS, code)


# Actions whose reason is the number of reports, stored as digits ("3"). Entries written
# before said it in English ("3 reports", also for one): they read the same way.
REPORT_COUNT_ACTIONS = ("auto_hidden", "reports_dismissed")
_REPORT_COUNT = re.compile(r"(\d+)(?: reports?)?")
# Actions whose reason may be a report reason code ("spam"): a moderator's hiding, and a
# block made through the API, whose contract takes a code alone as the justification.
REASON_CODE_ACTIONS = ("hidden", "blocked")
# A proposal's answer: published for the first time, or corrected. Entries written before
# stored these words translated into the staff member's language: they show as stored.
ANSWER_REASONS = {"published": _l("answer published"), "corrected": _l("answer corrected")}
# Where a newsletter subscription changed (the entry names no address: personal data).
NEWSLETTER_REASONS = {"form": _l("with the newsletter page's link"), "account": _l("from the profile"),
                      "link": _l("with the link of a newsletter")}


def reason_label(action: str, reason: str) -> str:
    """The entry's reason as the page shows it: a number of reports in words, with its
    plural; a report reason code of a hiding or a block in words, as the report form
    names it; any other reason (a moderator's justification) as it is."""
    # Imported here: consult.moderation's views import this module.
    from consult.moderation.forms import REASON_LABELS

    kind = action.rpartition(".")[2]
    count = _REPORT_COUNT.fullmatch(reason or "")
    if count and kind in REPORT_COUNT_ACTIONS:
        return ngettext("%(num)s report", "%(num)s reports", int(count.group(1)))
    if kind in REASON_CODE_ACTIONS and reason in REASON_LABELS:
        return str(REASON_LABELS[reason])
    if action == "proposal.answered" and reason in ANSWER_REASONS:
        return str(ANSWER_REASONS[reason])
    if action == "newsletter.sent" and (reason or "").isdigit():
        return ngettext("%(num)s recipient", "%(num)s recipients", int(reason))
    if action.startswith("newsletter.") and reason in NEWSLETTER_REASONS:
        return str(NEWSLETTER_REASONS[reason])
    return reason
