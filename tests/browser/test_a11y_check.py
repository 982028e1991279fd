"""The accessibility check itself must find problems, also under our Content-Security-Policy."""
import pytest

from tests.browser.a11y import axe_violations, check_a11y, check_focus_visible

BROKEN_IMAGE = """
const image = document.createElement("img");
image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
image.id = "broken-image";
document.querySelector("main").append(image);
"""


def test_axe_runs_under_our_csp_and_reports_an_image_without_alt(browser_page):
    response = browser_page.goto("/privacy")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    check_a11y(browser_page)  # the page itself is clean

    browser_page.evaluate(BROKEN_IMAGE)

    assert "image-alt" in {v["id"] for v in axe_violations(browser_page)}
    with pytest.raises(pytest.fail.Exception) as failure:
        check_a11y(browser_page)
    report = str(failure.value)
    assert "image-alt (critical)" in report
    assert "#broken-image" in report


def test_axe_reports_an_unlabelled_input_on_a_plain_page(browser_page):
    browser_page.set_content('<!doctype html><html lang="en"><head><title>Broken</title></head>'
                             '<body><main><h1>Form</h1><input type="text" id="nameless">'
                             '</main></body></html>')

    violations = {v["id"]: v for v in axe_violations(browser_page)}

    assert "label" in violations
    assert violations["label"]["nodes"][0]["target"] == ["#nameless"]


def test_focus_check_reports_a_control_without_focus_indicator(browser_page):
    browser_page.set_content('<!doctype html><html lang="en"><head><title>Focus</title><style>'
                             '#hidden-focus:focus { outline: none; box-shadow: none; }</style>'
                             '</head><body><main><h1>Focus</h1><a href="#top">Visible</a>'
                             '<button id="hidden-focus">Invisible</button></main></body></html>')

    with pytest.raises(pytest.fail.Exception) as failure:
        check_focus_visible(browser_page, stops=5)

    assert "button 'Invisible'" in str(failure.value)
    assert "Visible'" not in str(failure.value).replace("'Invisible'", "")
