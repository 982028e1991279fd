"""The audit log page names each action in words, in the reader's language."""
from __future__ import annotations

import re

from sqlalchemy import select

from consult.api.auth import issue_token
from consult.audit import services as audit
from consult.audit.labels import ACTION_LABELS, action_label
from consult.audit.models import AuditEntry
from consult.documents.models import AMENDMENT_STATUSES
from consult.extensions import db
from consult.moderation import services
from consult.moderation.targets import reportable_types
from tests.factories import make_user
from tests.moderation.factories import make_comment
from tests.moderation.test_audit_every_action import ROOT, named_actions_in_the_code

# record(actor, f"...") calls build their code from a variable; each shape is expanded here.
DYNAMIC_CODE = re.compile(r'\brecord\(\s*\w+,\s*f"([^"]+)"')


def recorded_action_codes() -> set[str]:
    """Every action code the application can record: the literals and the f-string ones."""
    codes = set(named_actions_in_the_code())
    for path in ROOT.rglob("*.py"):
        for template in DYNAMIC_CODE.findall(path.read_text(encoding="utf-8")):
            prefix, _, suffix = template.rpartition(".")
            if prefix == "{reportable.type}":
                codes |= {f"{kind}.{suffix}" for kind in reportable_types()}
            elif template == "amendment.{status}":  # the decisions: accepted, rejected
                codes |= {f"amendment.{status}" for status in AMENDMENT_STATUSES if status != "open"}
            else:
                raise AssertionError(f'{path}: teach this test the codes of f"{template}"')
    return codes


def test_every_recorded_action_has_a_label_and_every_label_an_action(app):
    codes = recorded_action_codes()
    assert {"document.created", "draft.auto_hidden", "amendment.rejected",
            "comment.reports_dismissed"} <= codes, "the scan misses codes"
    assert sorted(codes - set(ACTION_LABELS)) == [], "actions without a label"
    assert sorted(set(ACTION_LABELS) - codes) == [], "labels of actions nobody records"


def test_an_unknown_code_shows_as_it_is(app):
    assert action_label("document.created") == "Document created"
    assert action_label("something.new") == "something.new"


def test_the_italian_log_page_shows_the_italian_labels(client, login_as, admin):
    for code in ("document.created", "something.new"):
        audit.record(admin, code, None, target_type="document", target_id=1)
    db.session.commit()
    client = login_as(admin)
    client.set_cookie("lang", "it")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">Documento creato</td>" in page
    assert '<option value="document.created">Documento creato</option>' in page
    assert ">something.new</td>" in page  # unknown: the raw code
    assert ">document.created<" not in page

    client.set_cookie("lang", "en")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">Document created</td>" in page


def test_the_italian_log_page_shows_target_types_in_words(client, login_as, admin):
    audit.record(admin, "proposal.published", None, target_type="proposal", target_id=7)
    audit.record(admin, "something.new", None, target_type="gadget", target_id=8)
    db.session.commit()
    client = login_as(admin)
    client.set_cookie("lang", "it")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">Proposta #7</td>" in page and ">gadget #8</td>" in page  # unknown: the code
    assert '<option value="proposal">Proposta</option>' in page
    assert ">proposal #7</td>" not in page and ">proposal<" not in page
    client.set_cookie("lang", "en")
    page = client.get("/moderation/log?target_type=proposal").get_data(as_text=True)
    assert ">Proposal #7</td>" in page and "#8" not in page
    assert '<option selected value="proposal">Proposal</option>' in page


def test_the_csv_keeps_the_codes(login_as, admin):
    audit.record(admin, "document.created", None, target_type="document", target_id=1)
    db.session.commit()
    csv_text = login_as(admin).get("/moderation/log.csv").get_data(as_text=True)
    assert '"document.created","document","1",' in csv_text and "Document created" not in csv_text


def test_report_counts_are_stored_as_numbers_and_read_with_their_plural(
        client, login_as, admin, moderator, proposal, author, reporters):
    three, one = (make_comment(proposal, author, text) for text in ("Three reports.", "One."))
    for reporter in reporters[:3]:
        services.report(reporter, three, reason="spam")  # the third hides it
    services.report(reporters[0], one, reason="spam")
    services.dismiss_reports(moderator, one)
    audit.record(None, "draft.auto_hidden", None, "2 reports", target_type="draft", target_id=9)
    db.session.commit()
    stored = dict(db.session.execute(select(AuditEntry.action, AuditEntry.reason)).all())
    # The number is data (the API and the CSV keep it); the page words it.
    assert stored["comment.auto_hidden"] == "3" and stored["comment.reports_dismissed"] == "1"

    client = login_as(admin)
    client.set_cookie("lang", "it")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">3 segnalazioni</td>" in page and ">1 segnalazione</td>" in page
    assert ">2 segnalazioni</td>" in page  # an entry written before, in English words
    assert "reports" not in page.split("<tbody>")[1]

    client.set_cookie("lang", "en")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">3 reports</td>" in page and ">1 report</td>" in page
    assert ">2 reports</td>" in page


def test_hide_and_block_reason_codes_read_in_words_on_the_page_only(
        client, login_as, admin, moderator, comment, author):
    services.hide(moderator, comment, reason="spam")
    services.block_user(moderator, author, reason="off_topic", allow_reason_code=True)  # the API
    justification = "Advertising in every thread, three times."
    services.block_user(moderator, make_user(display_name="Other"), reason=justification)
    audit.record(admin, "amendment.rejected", None, "spam", target_type="amendment",
                 target_id=3)  # a free text that happens to be a code: as written
    db.session.commit()
    client = login_as(admin)

    client.set_cookie("lang", "it")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">Spam o pubblicità</td>" in page and ">Fuori tema</td>" in page
    assert f">{justification}</td>" in page and ">spam</td>" in page
    assert ">off_topic</td>" not in page

    client.set_cookie("lang", "en")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">Spam or advertising</td>" in page and ">Off topic</td>" in page

    # The codes are the data: the CSV and the API keep them.
    csv_text = client.get("/moderation/log.csv").get_data(as_text=True)
    assert re.search(r'"comment\.hidden","comment","\d+","spam"\r?$', csv_text, re.M)
    assert re.search(r'"user\.blocked","user","\d+","off_topic"\r?$', csv_text, re.M)
    assert "Spam or advertising" not in csv_text
    token, _ = issue_token(admin)
    db.session.commit()
    entries = client.get("/api/v1/moderation/log",
                         headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    reasons = {entry["action"]: entry["reason"] for entry in entries if entry["reason"]}
    assert reasons["comment.hidden"] == "spam" and "off_topic" in {
        entry["reason"] for entry in entries if entry["action"] == "user.blocked"}


def test_a_proposal_answer_is_stored_as_a_code_and_read_in_words(
        client, login_as, admin, staff, proposal):
    from consult.proposals import services as proposals

    proposals.answer_proposal(staff, proposal, "The office agrees.")
    proposals.answer_proposal(staff, proposal, "The office agrees, from 2027.")
    audit.record(staff, "proposal.answered", proposal, "risposta pubblicata")  # written before
    db.session.commit()
    stored = db.session.scalars(select(AuditEntry.reason).where(
        AuditEntry.action == "proposal.answered").order_by(AuditEntry.id)).all()
    assert stored == ["published", "corrected", "risposta pubblicata"]

    client = login_as(admin)
    client.set_cookie("lang", "it")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">risposta corretta</td>" in page and page.count(">risposta pubblicata</td>") == 2
    client.set_cookie("lang", "en")
    page = client.get("/moderation/log").get_data(as_text=True)
    assert ">answer corrected</td>" in page and ">answer published</td>" in page
