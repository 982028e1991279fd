"""News images (issue 23): checked by their content and size, stored like attachments,
required alternative text, replaced and removed (never deleted), shown on the pages with
their size, served with their type, and given by the API."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from consult.audit.models import AuditEntry
from consult.database import utcnow
from consult.errors import InvalidInput
from consult.extensions import db
from consult.news import services
from consult.news.models import NewsImage, NewsItem
from tests.api.conftest import api, api_as  # noqa: F401  (fixtures)
from tests.news.images import image_bytes, png_bytes
from tests.plans.factories import make_process

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_UPLOADS_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "CONSULT_S3_BUCKET", None)
    return tmp_path / "uploads"


def upload(data: bytes, name: str = "foto.png") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def stored_files(uploads) -> list:
    return sorted(path for path in uploads.rglob("*") if path.is_file()) if uploads.exists() else []


def news_with_image(staff, data: bytes | None = None, alt: str = "Piazza Sant'Oronzo", **values) -> NewsItem:
    values = {"title": "Consultation open", "summary": "Comment every section."} | values
    item = services.create_news(staff, image=upload(data or png_bytes()), image_alt=alt, **values)
    db.session.commit()
    return item


def images() -> int:
    return db.session.scalar(select(func.count(NewsImage.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- the rules ----------------------------------------------------------------------

@pytest.mark.parametrize("kind, mime_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                             ("WEBP", "image/webp")])
def test_png_jpeg_and_webp_are_stored_with_their_size_in_pixels(staff, uploads, kind, mime_type):
    data = image_bytes(kind, size=(120, 80))
    item = news_with_image(staff, data)
    image = item.image
    assert (image.mime_type, image.width, image.height, image.size) == (mime_type, 120, 80, len(data))
    assert (uploads / image.storage_key[:2] / image.storage_key).read_bytes() == data
    assert audit_actions() == ["news.created", "news.image_added"]


@pytest.mark.parametrize("data, name, message", [
    (image_bytes("GIF"), "foto.gif", "This kind of file is not accepted here. Accepted: .jpg, .png, .webp."),
    (PDF, "foto.png", "This kind of file is not accepted here. Accepted: .jpg, .png, .webp."),
    (b"<html><script>alert(1)</script></html>", "foto.jpg",
     "This kind of file is not accepted here. Accepted: .jpg, .png, .webp."),
    (b"PK\x03\x04" + b"\x00" * 40, "foto.png", "The file is damaged and cannot be read."),
    (png_bytes()[:40], "foto.png", "The image is damaged and cannot be read."),
    (b"\x89PNG\r\n\x1a\n" + b"<?php echo 'hi'; ?>" * 20, "foto.png", "The image is damaged and cannot be read."),
    (image_bytes("JPEG", size=(200, 200))[:300], "foto.jpg", "The image is damaged and cannot be read."),
    (b"", "foto.png", "The file is empty."),
])
def test_wrong_disguised_or_damaged_files_are_refused_and_nothing_is_stored(staff, uploads, data, name, message):
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="T", summary="S", image=upload(data, name), image_alt="A photo")
    assert error.value.fields == {"image": [message]}
    db.session.rollback()
    assert db.session.scalar(select(func.count(NewsItem.id))) == 0 and images() == 0
    assert stored_files(uploads) == []


def test_too_big_in_bytes_or_in_pixels_is_refused(app, staff, uploads, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_NEWS_IMAGE_MAX_BYTES", 1_000)
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="T", summary="S", image=upload(image_bytes("PNG", size=(400, 400), color="red") + b"\x00" * 1000), image_alt="A")
    assert error.value.fields == {"image": ["The file is too large: at most 0.001 MB."]}
    monkeypatch.setitem(app.config, "CONSULT_NEWS_IMAGE_MAX_BYTES", 5_000_000)
    # 8,000 × 8,000 pixels of one colour: a small file that would decode to 192 MB.
    bomb = image_bytes("PNG", size=(8_000, 8_000), color="white")
    assert len(bomb) < 5_000_000
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="T", summary="S", image=upload(bomb), image_alt="A")
    assert error.value.fields == {"image": ["The image is too large: at most 40 megapixels."]}
    assert stored_files(uploads) == []


def test_an_image_needs_its_alternative_text_and_all_errors_come_together(staff, uploads):
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="", summary="S", image=upload(png_bytes()), image_alt="  ")
    assert set(error.value.fields) == {"title", "image_alt"}
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="T", summary="S", image=upload(png_bytes()))
    assert set(error.value.fields) == {"image_alt"}
    with pytest.raises(InvalidInput) as error:
        services.create_news(staff, title="T", summary="S", image=upload(png_bytes()), image_alt="x" * 301)
    assert error.value.fields == {"image_alt": ["Use at most 300 characters."]}
    db.session.rollback()
    assert stored_files(uploads) == []
    # Without an image the alternative text is not asked for.
    assert services.create_news(staff, title="T", summary="S", image=None, image_alt="").image is None


def test_replacing_keeps_the_old_image_hidden_and_its_file(staff, uploads):
    item = news_with_image(staff)
    first = item.image
    services.update_news(staff, item, image=upload(image_bytes("JPEG", color="blue"), "b.jpg"),
                         image_alt="Il lungomare")
    db.session.commit()
    assert item.image.id != first.id and item.image.kind == "jpg" and item.image.alt == "Il lungomare"
    assert first.removed_at is not None and first.removed_by_id == staff.id
    assert images() == 2 and len(stored_files(uploads)) == 2
    assert audit_actions()[-1] == "news.image_replaced"


def test_removing_unlinks_the_image_and_keeps_row_and_file(staff, uploads):
    item = news_with_image(staff)
    services.update_news(staff, item, remove_image=True, image_alt="")
    db.session.commit()
    assert item.image is None and images() == 1 and len(stored_files(uploads)) == 1
    assert audit_actions()[-1] == "news.image_removed"
    services.remove_news_image(staff, item)  # nothing to remove: nothing logged
    assert audit_actions().count("news.image_removed") == 1


def test_the_alternative_text_of_the_shown_image_can_change_but_not_become_empty(staff, uploads):
    item = news_with_image(staff)
    services.update_news(staff, item, image_alt="Nuovo testo")
    db.session.commit()
    assert item.image.alt == "Nuovo testo" and images() == 1
    with pytest.raises(InvalidInput) as error:
        services.update_news(staff, item, image_alt=" ")
    assert set(error.value.fields) == {"image_alt"}
    db.session.rollback()
    # The API and the command line, which do not send it, leave it as it is.
    services.update_news(staff, item, title="Other title")
    assert item.image.alt == "Nuovo testo"


# --- the pages ------------------------------------------------------------------------

def form(**values) -> dict:
    return {"title": "Open", "summary": "Short.", "body": "Long text kept.", "process_id": "",
            "publish_at": "", "image_alt": ""} | values


def post(client, url: str, data: dict):
    return client.post(url, data=data, content_type="multipart/form-data")


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*consult-news[^>]*>|<figure class=\"consult-news-image\">\s*<img [^>]*>", html)


def test_staff_add_an_image_through_the_form_and_everyone_sees_it(client, login_as, staff, uploads):
    login_as(staff)
    data = image_bytes("WEBP", size=(160, 90))
    done = post(client, "/news/new", form(image=(io.BytesIO(data), "foto.webp"), image_alt="Il porto"))
    assert done.status_code == 302
    item = db.session.scalar(select(NewsItem))
    client.post("/account/logout")
    page = client.get(f"/news/{item.id}").get_data(as_text=True)
    src = f"/news/{item.id}/image/{item.image.id}"
    assert f'<img src="{src}" alt="Il porto" width="160" height="90" class="img-fluid">' in page
    listing = client.get("/news").get_data(as_text=True)
    assert f'<img src="{src}" alt="Il porto" width="160" height="90" class="consult-news-thumbnail">' in listing
    home = client.get("/").get_data(as_text=True)
    assert (f'<img src="{src}" alt="Il porto" width="160" height="90" class="consult-news-thumbnail" '
            'loading="lazy">') in home
    response = client.get(src)
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "image/webp" and "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get(src, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(f"/news/{item.id}/image/{item.image.id + 1}").status_code == 404


def test_a_later_item_of_the_list_loads_its_image_lazily(client, staff, uploads):
    for n in range(2):
        news_with_image(staff, title=f"N{n}", publish_at=utcnow() - timedelta(days=n))
    listing = client.get("/news").get_data(as_text=True)
    tags = re.findall(r'<img [^>]*class="consult-news-thumbnail"[^>]*>', listing)
    assert len(tags) == 2 and "loading" not in tags[0] and 'loading="lazy"' in tags[1]


@pytest.mark.parametrize("fields, field_error", [
    ({"image_alt": ""}, "Describe the image for those who cannot see it (its alternative text)."),
    ({"image_alt": "A photo", "image": (PDF, "foto.png")},
     "This kind of file is not accepted here. Accepted: .jpg, .png, .webp."),
])
def test_a_refused_image_keeps_what_was_typed(client, login_as, staff, uploads, fields, field_error):
    login_as(staff)
    data, name = fields.get("image", (png_bytes(), "foto.png"))
    fields = fields | {"image": (io.BytesIO(data), name)}
    refused = post(client, "/news/new", form(title="Titolo scritto", **fields))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error in html and "Titolo scritto" in html and "Long text kept." in html
    assert db.session.scalar(select(func.count(NewsItem.id))) == 0 and stored_files(uploads) == []


def test_a_failing_edit_keeps_the_stored_image(client, login_as, staff, uploads):
    item = news_with_image(staff)
    image_id = item.image.id
    login_as(staff)
    edit = client.get(f"/news/{item.id}/edit").get_data(as_text=True)
    assert 'value="Piazza Sant&#39;Oronzo"' in edit and "Remove the image from the news item" in edit
    refused = post(client, f"/news/{item.id}/edit",
                   form(title="", image=(io.BytesIO(png_bytes(color="red")), "r.png"), image_alt="Rosso"))
    assert refused.status_code == 422
    assert f"/news/{item.id}/image/{image_id}" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert item.image.id == image_id and images() == 1 and len(stored_files(uploads)) == 1


def test_staff_replace_and_remove_the_image_through_the_form(client, login_as, staff, uploads):
    item = news_with_image(staff)
    old_src = f"/news/{item.id}/image/{item.image.id}"
    login_as(staff)
    done = post(client, f"/news/{item.id}/edit", form(
        image=(io.BytesIO(image_bytes("JPEG", size=(30, 20))), "new.jpg"), image_alt="Nuova"))
    assert done.status_code == 302
    db.session.expire_all()
    new_src = f"/news/{item.id}/image/{item.image.id}"
    assert client.get(old_src).status_code == 404 and client.get(new_src).mimetype == "image/jpeg"
    assert 'alt="Nuova" width="30" height="20"' in client.get(f"/news/{item.id}").get_data(as_text=True)
    done = post(client, f"/news/{item.id}/edit", form(remove_image="y", image_alt="Nuova"))
    assert done.status_code == 302
    assert client.get(new_src).status_code == 404
    assert "/image/" not in client.get(f"/news/{item.id}").get_data(as_text=True)
    assert images() == 2 and len(stored_files(uploads)) == 2


def test_a_scheduled_items_image_is_for_staff_only_and_not_cached(client, login_as, staff, uploads):
    item = news_with_image(staff, publish_at=utcnow() + timedelta(days=1))
    src = f"/news/{item.id}/image/{item.image.id}"
    assert client.get(src).status_code == 404
    login_as(staff)
    response = client.get(src)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/news", "/", "process"])
def test_images_add_no_query_to_the_pages_with_news(client, staff, uploads, count_queries, path):
    process = make_process(title="Lecce 2030")
    path = f"/processes/{process.slug}" if path == "process" else path
    plain = [services.create_news(staff, title=f"P{n}", summary="S", process_id=process.id)
             for n in range(5)]
    db.session.commit()
    client.get(path)
    with count_queries() as without_images:
        assert client.get(path).status_code == 200
    for item in plain:
        services.update_news(staff, item, image=upload(png_bytes()), image_alt="Foto")
    db.session.commit()
    client.get(path)
    with count_queries() as with_images:
        html = client.get(path).get_data(as_text=True)
    assert html.count("consult-news-thumbnail") >= 3
    assert with_images.count == without_images.count


def test_the_api_gives_the_image_address_and_text(api, staff, uploads, client):
    item = news_with_image(staff)
    services.create_news(staff, title="No image", summary="S")
    db.session.commit()
    detail = api.get(f"/news/{item.id}").get_json()
    assert detail["image_alt"] == "Piazza Sant'Oronzo"
    assert detail["image_url"] == f"http://localhost/news/{item.id}/image/{item.image.id}"
    assert client.get(detail["image_url"]).mimetype == "image/png"
    listed = {entry["title"]: entry for entry in api.get("/news").get_json()["items"]}
    assert listed["No image"]["image_url"] is None and listed["No image"]["image_alt"] is None
    assert listed["Consultation open"]["image_url"] == detail["image_url"]
