"""Markdown from editors: refused in the admin when unsafe, sanitised on every render."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from mats.markdown import markdown_problems, render_markdown
from mats.models import GuidancePage


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    """The real elements in ``html``: escaped text that merely looks like a tag is not one."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def assert_nothing_unsafe(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in ("script", "img", "iframe", "style"), tag
        for name, value in attrs.items():
            assert not name.startswith(("on", "hx-")), name
            assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value


def test_ordinary_markdown_renders():
    html = render_markdown("## Before\n\n**Breathe** slowly, see [the guide](https://example.org).")
    assert "<h2>Before</h2>" in html
    assert "<strong>Breathe</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">the guide</a>' in html


def test_script_tags_never_render():
    html = render_markdown("Hello <script>alert(1)</script>")
    assert_nothing_unsafe(html)
    assert "<script" not in html
    assert "Hello" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
    ],
)
def test_unsafe_links_never_render_as_links(link):
    html = render_markdown(link)
    assert_nothing_unsafe(html)
    assert [tag for tag, _ in elements(html)] == ["p"]


def test_event_handler_and_htmx_attributes_never_survive():
    html = render_markdown(
        '<img src=x onerror="alert(1)"> <a href="/x" hx-get="/admin/" onclick="go()">x</a>\n\n'
        '[ok](https://example.org "Title")'
    )
    assert_nothing_unsafe(html)
    assert (
        "a",
        {"href": "https://example.org", "title": "Title", "rel": "noopener noreferrer"},
    ) in (elements(html))


def test_sanitiser_alone_strips_what_a_bypassed_renderer_would_let_through():
    # Even if raw HTML reached nh3 (say a future renderer setting), it is cleaned.
    import nh3

    from mats.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, SAFE_SCHEMES

    cleaned = nh3.clean(
        '<p onmouseover="x()" hx-post="/a">ok <a href="javascript:x()" title="t">y</a></p>'
        "<script>bad()</script>",
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
    )
    assert cleaned == '<p>ok <a title="t" rel="noopener noreferrer">y</a></p>'


def test_relative_and_mail_links_are_allowed():
    assert markdown_problems("[home](/library/) and [mail](mailto:desk@clinic.example)") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[x](javascript:alert(1))", "is not allowed"),
        ("[x](<java\tscript:alert(1)>)", "is not allowed"),
        ("[x](&#106;avascript:alert(1))", "is not allowed"),
        ("<javascript:alert(1)>", "is not allowed"),
        ("Hi <b onclick='x'>there</b>", "HTML tags are not allowed"),
        ("<div>block</div>", "HTML tags are not allowed"),
        ("![pic](https://example.org/a.png)", "Pictures cannot be shown"),
    ],
)
def test_unsafe_markdown_is_named_for_the_editor(text, message):
    problems = markdown_problems(text)
    assert any(message in problem for problem in problems)


@pytest.mark.django_db
def test_admin_refuses_a_guide_with_a_javascript_link(staff_client):
    response = staff_client.post(
        reverse("admin:mats_guidancepage_add"),
        {
            "title": "Breathing",
            "slug": "breathing",
            "summary": "Slowly.",
            "body": "Read [this](javascript:alert(document.cookie)).",
            "order": "1",
        },
    )
    assert response.status_code == 200
    assert "Links must start with https://, http:// or mailto:" in response.content.decode()
    assert not GuidancePage.objects.exists()


@pytest.mark.django_db
def test_a_guide_saved_around_the_admin_still_renders_safely(pat_client):
    GuidancePage.objects.create(
        title="Sneaky",
        slug="sneaky",
        summary="x",
        body="[click](javascript:alert(1)) <script>alert(2)</script> <i onclick=x>hi</i>",
        is_published=True,
    )
    page = pat_client.get(reverse("guidance-page", args=["sneaky"])).content.decode()
    # The layout has its own (nonced) script; only the editor's part is under test.
    html = page.split('<article class="prose">')[1].split("</article>")[0]
    assert_nothing_unsafe(html)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)" in html, "raw HTML is shown as text, not run"
