"""axe-core checks for browser tests: `check_a11y(page)` fails the test on any WCAG 2.1 A/AA
violation of the page as it is now, listing every violation and the nodes it concerns."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """Run axe on the page (injected through DevTools, so our CSP does not block it)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    if "violations" not in results.response:  # axe did not run: never pass silently
        raise AssertionError(f"axe-core returned no result on {page.url}: {results.response!r}")
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" [{violation['helpUrl']}]")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:200]}")
    return "\n".join(lines)


def check_a11y(page) -> None:
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"{len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
                    + describe(violations), pytrace=False)


FOCUS_STYLE = """async () => {
  // Read the final style, after the focus transitions of Bootstrap Italia have run.
  await Promise.all(document.getAnimations().map((animation) => animation.finished));
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const visibleColor = (color) => !/rgba\\(.*, 0\\)$/.test(color) && color !== "transparent";
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                  && visibleColor(style.outlineColor);
  const shadow = style.boxShadow !== "none"
                 && style.boxShadow.split(/,(?![^(]*\\))/).some((part) => visibleColor(part.trim().split(" ")[0]));
  return {tag: element.tagName, text: (element.textContent || element.name || element.id).trim().slice(0, 40),
          visible: outline || shadow || style.outlineStyle === "auto"};
}"""


def check_focus_visible(page, stops: int = 20) -> list[str]:
    """Tab through the first `stops` focusable elements: each must show a focus indicator
    (WCAG 2.4.7). Returns what was focused, in order. Call on a freshly loaded page."""
    focused, invisible = [], []
    for _ in range(stops):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] == "BODY":
            break
        focused.append(f"{state['tag'].lower()} {state['text']!r}")
        if not state["visible"]:
            invisible.append(focused[-1])
    if invisible:
        pytest.fail(f"no visible focus indicator on {page.url} for: " + ", ".join(invisible),
                    pytrace=False)
    return focused
