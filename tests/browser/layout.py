"""Phones first: what a person would see wrong on a narrow screen, checked in the browser.

`check_phone_widths(page)` looks at the page at 320, 375 and 768 px (then restores the
viewport): no sideways scrolling of the page or of a table, no header item over another or
cut off, chart words of at least 12 px, and axe-core at 375 px.

`check_both_widths(page, name)`: axe at 1280 and 375 px and nothing in the page's content
wider than the screen; screenshots `NAME-WIDTH.png` kept when CONSULT_SCREENSHOTS names a
folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.a11y import axe_violations, check_a11y, describe

SHOTS = os.environ.get("CONSULT_SCREENSHOTS")  # a folder: keep the screenshots to look at

PHONE_WIDTHS = (320, 375, 768)
MIN_CHART_FONT_PX = 12

LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 2 && r.height > 2
      && getComputedStyle(el).visibility !== 'hidden'; };

  if (document.documentElement.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll('*')].filter(
        (el) => shown(el) && el.getBoundingClientRect().right > width + 1);
    const outermost = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5);
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide: `
                  + outermost.map(name).join(', '));
  }
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
        && !['PRE', 'TEXTAREA', 'CODE'].includes(el.tagName)) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
    }
  }
  const header = document.querySelector('header');
  const items = [...header.querySelectorAll(
      'a, button, input, .it-brand-title, .it-brand-tagline, .consult-lang-current, .badge')].filter(shown);
  items.forEach((a, i) => {
    const ra = a.getBoundingClientRect();
    if (ra.left < -1 || ra.right > width + 1) problems.push(`${name(a)} is cut off by the screen's edge`);
    items.slice(i + 1).forEach((b) => {
      if (a.contains(b) || b.contains(a)) return;
      const rb = b.getBoundingClientRect();
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 1 && y > 1) problems.push(`${name(a)} overlaps ${name(b)} in the header`);
    });
  });
  for (const text of document.querySelectorAll('main svg text')) {
    const svg = text.ownerSVGElement;
    const box = svg.viewBox && svg.viewBox.baseVal;
    if (!box || !box.width || !shown(svg)) continue;
    const size = parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width / box.width;
    if (size < MIN_FONT) problems.push(`chart text "${text.textContent.trim()}" is ${size.toFixed(1)} px`);
  }
  return [...new Set(problems)];
}""".replace("MIN_FONT", str(MIN_CHART_FONT_PX))


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS)


def phone_width_problems(page, *, axe: bool = True) -> list[str]:
    """Every problem the page shows at 320, 375 and 768 px (the viewport is restored)."""
    original = page.viewport_size
    problems = []
    try:
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 740})
            problems += [f"{width} px: {problem}" for problem in layout_problems(page)]
            if axe and width == 375:
                violations = axe_violations(page)
                if violations:
                    problems.append(f"{width} px: axe-core:\n{describe(violations)}")
    finally:
        page.set_viewport_size(original)
    return [f"{page.url}: {problem}" for problem in problems]


def check_phone_widths(page, *, axe: bool = True) -> None:
    """Fail the test with every problem the page shows at 320, 375 and 768 px."""
    problems = phone_width_problems(page, axe=axe)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def check_both_widths(page, name: str) -> None:
    """axe at 1280 and 375 px; at 375 nothing in the page's content is wider than the screen."""
    for width, height in ((1280, 900), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        check_a11y(page)
        # The page's own content (the header is issue 18's, rewritten in parallel); wide tables
        # scroll inside their own box.
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter((e) => !e.closest('.table-responsive') && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => e.tagName + '.' + e.className)""")
        assert not wide, f"{name} at {width}px: wider than the screen: {wide[:5]}"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
