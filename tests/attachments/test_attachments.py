"""Attachments on processes, documents and action plans: checked by content, stored in a
folder or an S3 bucket (moto's server, started here on a free port), served as downloads,
hidden and never deleted, listed on the pages, in the API and in the open-data catalogue."""
from __future__ import annotations

import io
import uuid
import json

import pytest
from sqlalchemy import func, select

from consult.attachments import services
from consult.attachments.models import Attachment
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.plans.models import ActionPlan
from tests.docfiles import files
from tests.documents.factories import make_document, make_process

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_UPLOADS_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "CONSULT_S3_BUCKET", None)
    return tmp_path / "uploads"


@pytest.fixture
def process(app):
    return make_process(title="Lecce 2030")


def attach(client, target_type, target_id, data, name, **fields):
    form = {"title": "Allegato tecnico", "description": "Le tabelle.", "language": "it",
            "file": (io.BytesIO(data), name), **fields}
    return client.post(f"/attachments/new/{target_type}/{target_id}", data=form,
                       content_type="multipart/form-data")


def count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def test_staff_attach_a_pdf_to_a_process_and_everyone_downloads_it(client, login_as, staff, process, uploads):
    login_as(staff)
    response = attach(client, "process", process.id, PDF, "relazione finale.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/processes/{process.slug}#attachments")
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.kind, attachment.mime_type, attachment.filename, attachment.size) == (
        "pdf", "application/pdf", "relazione_finale.pdf", len(PDF))
    assert (uploads / attachment.storage_key[:2] / attachment.storage_key).read_bytes() == PDF
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.added"))
    client.post("/account/logout")
    html = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "Allegato tecnico" in html and f"(PDF, {len(PDF)} Bytes, Italian)" in html
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename=relazione_finale.pdf'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


@pytest.mark.parametrize("name, data, kind", [
    ("tabella.xlsx", None, "xlsx"), ("testo.odt", None, "odt"), ("testo.docx", None, "docx"),
    ("dati.csv", "anno;euro\n2025;10\n".encode(), "csv"), ("foto.png", files.tiny_png(), "png"),
])
def test_accepted_kinds_are_told_by_their_content(client, login_as, staff, process, uploads, name, data, kind):
    if data is None:
        data = xlsx() if kind == "xlsx" else files.sample(kind)
    login_as(staff)
    # The name lies about the extension: the content decides.
    response = attach(client, "process", process.id, data, name.replace(kind, "bin") if kind != "csv" else name)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.kind)) == kind


def xlsx() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


BAD = {
    "a script named .pdf": (b"<script>alert(1)</script>", "evil.pdf", "This kind of file is not accepted here"),
    "an executable": (b"MZ\x90\x00" + b"\x00" * 100, "setup.pdf", "This kind of file is not accepted here"),
    "text that is not csv": (b"hello", "note.txt", "This kind of file is not accepted here"),
    "corrupt zip": (b"PK\x03\x04garbage", "a.docx", "The file is damaged"),
    "unknown compression": (None, "a.docx", "The file is damaged"),
    "password": (None, "a.docx", "protected by a password"),
    "zip bomb": (None, "a.docx", "zip bomb"),
    "empty": (b"", "a.pdf", "The file is empty."),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_with_a_clear_message(client, login_as, staff, process, uploads, case):
    data, name, message = BAD[case]
    if case == "password":
        data = files.password_protected_docx(files.sample("docx"))
    elif case == "zip bomb":
        data = files.zip_bomb()
    elif case == "unknown compression":
        data = files.unknown_compression_docx()
    login_as(staff)
    response = attach(client, "process", process.id, data, name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Allegato tecnico"' in html  # what was typed is kept
    assert count() == 0
    assert not uploads.exists() or not any(uploads.rglob("*"))


def test_too_large_files_are_refused(app, client, login_as, staff, process, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_ATTACHMENT_MAX_BYTES", 20)
    login_as(staff)
    response = attach(client, "process", process.id, PDF, "a.pdf")
    assert response.status_code == 422
    assert "The file is too large" in response.get_data(as_text=True)
    assert count() == 0


def test_a_title_is_required(client, login_as, staff, process, uploads):
    login_as(staff)
    response = attach(client, "process", process.id, PDF, "a.pdf", title="")
    assert response.status_code == 422
    assert "Give the attachment a title." in response.get_data(as_text=True)


def test_participants_and_moderators_cannot_attach(client, login_as, participant, moderator, process, uploads):
    for user in (participant, moderator):
        login_as(user)
        assert attach(client, "process", process.id, PDF, "a.pdf").status_code == 403
        client.post("/account/logout")
    assert client.get(f"/attachments/new/meeting/{process.id}").status_code in (302, 404)


def test_removing_hides_and_restoring_shows_again_with_the_audit_log(client, login_as, staff, process, uploads):
    login_as(staff)
    attach(client, "process", process.id, PDF, "a.pdf")
    attachment = db.session.scalar(select(Attachment))
    response = client.post(f"/attachments/{attachment.id}/hide", data={"reason": "Wrong file"})
    assert response.status_code == 302
    db.session.expire_all()
    assert attachment.hidden_at is not None and count() == 1
    assert (uploads / attachment.storage_key[:2] / attachment.storage_key).exists()
    html = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert "removed: only the office sees it" in html
    assert client.get(f"/attachments/{attachment.id}").status_code == 200  # staff still can
    client.post("/account/logout")
    assert "Allegato tecnico" not in client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/api/v1/processes/{process.id}/attachments").get_json() == {"items": []}
    login_as(staff)
    client.post(f"/attachments/{attachment.id}/restore")
    db.session.expire_all()
    assert attachment.hidden_at is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["attachment.added", "attachment.hidden", "attachment.restored"]


def test_a_document_attachment_follows_the_document_visibility(client, login_as, staff, process, uploads):
    document = make_document(process, staff=staff, published=False)
    login_as(staff)
    attach(client, "document", document.id, PDF, "a.pdf")
    attachment = db.session.scalar(select(Attachment))
    assert "Allegato tecnico" in client.get(f"/documents/{document.id}").get_data(as_text=True)
    client.post("/account/logout")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/api/v1/documents/{document.id}/attachments").status_code == 404
    assert client.get("/open-data/attachments.json").get_json()["items"] == []


def test_plans_take_attachments_listed_in_the_api_and_the_catalogue(client, login_as, staff, process, uploads):
    plan = ActionPlan(process_id=process.id, title="Bus elettrici", description="", status="planned",
                      funding_source="PNRR")
    db.session.add(plan)
    db.session.commit()
    login_as(staff)
    assert attach(client, "plan", plan.id, PDF, "capitolato.pdf", language="en").status_code == 302
    assert "Allegato tecnico" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    client.post("/account/logout")
    [item] = client.get(f"/api/v1/action-plans/{plan.id}/attachments").get_json()["items"]
    assert item["title"] == "Allegato tecnico" and item["language"] == "en"
    assert item["format"] == "pdf" and item["bytes"] == len(PDF)
    assert item["url"].endswith(f"/attachments/{item['id']}")
    [row] = client.get("/open-data/attachments.json").get_json()["items"]
    assert (row["object_type"], row["object_id"], row["url"]) == ("plan", plan.id, item["url"])
    catalog = json.loads(client.get("/open-data/catalog.jsonld").data)
    assert any(dataset["dct:identifier"].endswith("attachments") for dataset in catalog["dcat:dataset"])


@pytest.fixture
def s3_bucket(app, monkeypatch):
    """moto's S3 server on a free port, and the app configured to use a bucket there."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-south-1")
    # moto keeps its buckets in the process, across servers: a fresh name per test.
    bucket = f"consult-attachments-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-south-1"})
    monkeypatch.setitem(app.config, "CONSULT_S3_BUCKET", bucket)
    monkeypatch.setitem(app.config, "CONSULT_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setitem(app.config, "CONSULT_S3_REGION", "eu-south-1")
    app.extensions.pop("consult_s3", None)
    yield client
    app.extensions.pop("consult_s3", None)
    server.stop()


def test_attachments_are_stored_in_an_s3_bucket_when_configured(client, login_as, staff, process, s3_bucket):
    login_as(staff)
    assert attach(client, "process", process.id, PDF, "a.pdf").status_code == 302
    attachment = db.session.scalar(select(Attachment))
    bucket = client.application.config["CONSULT_S3_BUCKET"]
    stored = s3_bucket.get_object(Bucket=bucket, Key=attachment.storage_key)
    assert stored["Body"].read() == PDF and stored["ContentType"] == "application/pdf"
    response = client.get(f"/attachments/{attachment.id}")
    assert response.data == PDF and response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unreachable_bucket_saves_nothing_and_says_so(app, client, login_as, staff, process, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_S3_BUCKET", "consult-attachments")
    monkeypatch.setitem(app.config, "CONSULT_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    app.extensions.pop("consult_s3", None)
    login_as(staff)
    response = attach(client, "process", process.id, PDF, "a.pdf")
    app.extensions.pop("consult_s3", None)
    assert response.status_code == 503
    assert "The file could not be stored just now: nothing was saved." in response.get_data(as_text=True)
    assert count() == 0


def test_the_process_page_runs_a_fixed_number_of_queries(client, login_as, staff, process, uploads, count_queries):
    login_as(staff)
    attach(client, "process", process.id, PDF, "a.pdf")
    with count_queries() as one:
        client.get(f"/processes/{process.slug}")
    for _ in range(3):
        attach(client, "process", process.id, PDF, "b.pdf")
    with count_queries() as four:
        client.get(f"/processes/{process.slug}")
    assert one.count == four.count


def test_meetings_take_attachments_from_their_organisers(client, login_as, staff, participant, process, uploads):
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(process, title="Laboratorio sulla mobilità")
    login_as(participant)
    assert attach(client, "meeting", meeting.id, PDF, "verbale.pdf").status_code == 403
    client.post("/account/logout")
    login_as(staff)
    response = attach(client, "meeting", meeting.id, PDF, "verbale.pdf", title="Presentazione")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#attachments")
    client.post("/account/logout")
    assert "Presentazione" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
