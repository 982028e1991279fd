"""Issue 23 in real Chromium: staff write a news item with an image (the missing
alternative text refused first, the typed text kept), everyone sees it on the news page,
the news list and the home page, staff replace it and then remove it. axe-core on every
page, at 1280 px and 375 px (screenshots kept when CONSULT_SCREENSHOTS names a folder)."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.journey import log_in, t
from tests.browser.layout import check_both_widths
from tests.factories import make_user
from tests.plans.factories import make_process

def picture(kind: str, colours: tuple[str, str]) -> bytes:
    """A landscape-like picture: sky and ground, a sun."""
    image = Image.new("RGB", (960, 540), colours[0])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 360, 960, 540), fill=colours[1])
    draw.ellipse((700, 80, 820, 200), fill="gold")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def shown_image(page):
    return page.locator("figure.consult-news-image img")


def test_staff_publish_news_with_an_image_replace_it_and_remove_it(browser_page, live_server):
    page = browser_page
    with live_server.app.app_context():
        make_user(email="ufficio@example.org", display_name="Ufficio Smart City", role="staff",
                  category="institution")
        make_process(title="Lecce Smart City 2030")

    log_in(page, live_server, "ufficio@example.org")
    page.goto("/news/new")
    check_a11y(page)
    page.get_by_label(t(live_server, "Title"), exact=True).fill("Passeggiata sul lungomare")
    page.get_by_label(t(live_server, "Summary"), exact=True).fill("Una camminata per raccontare il piano della mobilità.")
    page.get_by_label(t(live_server, "Text"), exact=True).fill("Ci vediamo **sabato** alle 10.")
    image_input = page.get_by_label(t(live_server, "Image (optional)"), exact=True)
    image_input.set_input_files({"name": "mare.png", "mimeType": "image/png",
                                 "buffer": picture("PNG", ("skyblue", "seagreen"))})
    page.get_by_role("button", name=t(live_server, "Publish")).click()
    expect(page.get_by_text(t(live_server, "Describe the image for those who cannot see it (its alternative text)."), exact=True)).to_be_visible()
    expect(page.get_by_label(t(live_server, "Title"), exact=True)).to_have_value("Passeggiata sul lungomare")
    expect(page.get_by_label(t(live_server, "Text"), exact=True)).to_have_value("Ci vediamo **sabato** alle 10.")
    check_a11y(page)

    image_input.set_input_files({"name": "mare.png", "mimeType": "image/png",
                                 "buffer": picture("PNG", ("skyblue", "seagreen"))})
    page.get_by_label(t(live_server, "Alternative text of the image"), exact=True).fill(
        "Il lungomare di San Cataldo sotto il sole")
    page.get_by_role("button", name=t(live_server, "Publish")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Passeggiata sul lungomare")
    image = shown_image(page)
    expect(image).to_have_attribute("alt", "Il lungomare di San Cataldo sotto il sole")
    expect(image).to_have_attribute("width", "960")
    assert page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) == 960
    news_url = page.url
    page.context.clear_cookies()

    page.goto(news_url)
    check_both_widths(page, "news-detail")
    page.goto("/news")
    expect(page.locator("img.consult-news-thumbnail")).to_have_count(1)
    check_both_widths(page, "news-list")
    page.goto("/")
    expect(page.locator("img.consult-news-thumbnail")).to_have_attribute("loading", "lazy")
    check_both_widths(page, "news-home")

    log_in(page, live_server, "ufficio@example.org")
    page.goto(news_url + "/edit")
    check_both_widths(page, "news-edit")
    page.get_by_label(t(live_server, "Image (optional)"), exact=True).set_input_files(
        {"name": "tramonto.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG", ("darkorange", "saddlebrown"))})
    page.get_by_label(t(live_server, "Alternative text of the image"), exact=True).fill("Il tramonto sul porto")
    page.get_by_role("button", name=t(live_server, "Save the news item")).click()
    expect(shown_image(page)).to_have_attribute("alt", "Il tramonto sul porto")

    page.goto(news_url + "/edit")
    page.locator("label[for=remove_image]").click()
    expect(page.get_by_label(t(live_server, "Remove the image from the news item"), exact=True)).to_be_checked()
    page.get_by_role("button", name=t(live_server, "Save the news item")).click()
    expect(page.get_by_text(t(live_server, "The news item has been saved."))).to_be_visible()
    expect(shown_image(page)).to_have_count(0)
    check_a11y(page)
