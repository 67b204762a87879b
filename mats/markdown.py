"""Markdown written by content editors, turned into HTML that is safe to show.

Two layers: the admin refuses Markdown with raw HTML or links to unsafe
schemes (so the editor hears about it), and every render goes through nh3
with a short allow-list (so nothing unsafe reaches a page even if a row was
written some other way).
"""

import re
from urllib.parse import unquote

import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
        "code",
        "pre",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

# Raw HTML is shown as text, never passed through.
_renderer = MarkdownIt("commonmark", {"html": False})

# The inspector sees everything an editor wrote, including what the renderer
# would quietly drop, so that the editor can be told about it.
_inspector = MarkdownIt("commonmark", {"html": True})
_inspector.validateLink = lambda url: True

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _scheme(href: str) -> str | None:
    # Browsers ignore whitespace and control characters inside a scheme
    # ("java\tscript:"), so the check must too.
    squeezed = "".join(ch for ch in unquote(href) if ch > " " and ch != "\x7f").lower()
    match = _SCHEME.match(squeezed)
    return match.group(1) if match else None


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def markdown_problems(text: str) -> list[str]:
    """What an editor must change before this Markdown can be saved."""
    problems: list[str] = []
    for token in _walk(_inspector.parse(text or "")):
        if token.type in ("html_block", "html_inline"):
            message = (
                "HTML tags are not allowed here. Use Markdown instead, for example "
                "**bold** or [link text](https://example.org)."
            )
        elif token.type == "image":
            message = "Pictures cannot be shown in guidance text. Describe it in words instead."
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            scheme = _scheme(href)
            if scheme is None or scheme in SAFE_SCHEMES:
                continue
            message = (
                f"The link “{href}” is not allowed. Links must start with "
                "https://, http:// or mailto:, or point to a page on this site."
            )
        else:
            continue
        if message not in problems:
            problems.append(message)
    return problems


def validate_safe_markdown(text: str) -> None:
    """Model-field validator: the admin shows each problem under the field."""
    problems = markdown_problems(text)
    if problems:
        raise ValidationError(problems)


def render_markdown(text: str) -> SafeString:
    html = _renderer.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308  (nh3 has just sanitised it)
