"""No script, event handler or javascript: link survives a comment's rendering."""
import re
from html.parser import HTMLParser

import pytest

from consult.comments import services
from consult.extensions import db
from consult.text import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//>",
    '<body onload="alert(1)">',
    "<svg/onload=alert(1)>",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '[x](https://example.org" onmouseover="alert(1))',
    '<div style="width: expression(alert(1))">css</div>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p onclick="alert(1)">paragraph</p>',
    '<a href="https://example.org" onfocus="alert(1)" autofocus>focus</a>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input onfocus=alert(1) autofocus>',
    '<details open ontoggle=alert(1)>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "<a href='vbscript:msgbox(1)'>vb</a>",
]

FORBIDDEN_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "form", "input",
                  "meta", "math", "img", "details", "body"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class _Tags(HTMLParser):
    """The real elements and attributes of the output (escaped text is only text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            # The parser has decoded entities, as a browser would.
            assert not BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value or "")), html


def test_there_are_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_neutralises(payload):
    _assert_safe(str(render_markdown(payload)))


def test_comment_page_neutralises_every_payload(client, participant, proposal):
    for payload in PAYLOADS:
        services.post_comment(participant, proposal, body=payload)
    db.session.commit()
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    thread = html.split('id="comments"', 1)[1]
    _assert_safe(thread.split('class="consult-new-comment"')[0])


def test_safe_markdown_still_renders():
    html = str(render_markdown("**bold** [site](https://example.org) `code`"))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow' in html
    assert "<code>code</code>" in html


@pytest.mark.parametrize("unsafe", [
    '<a href="JaVaScRiPt:alert(1)">x</a>', '<a href="&#106;avascript:x">x</a>',
    '<p onclick="x">p</p>', "<script>x</script>", '<svg onload="x"></svg>',
])
def test_the_checker_itself_catches_unsafe_html(unsafe):
    with pytest.raises(AssertionError):
        _assert_safe(unsafe)
