"""The one pager (templates/includes/pager.html) of the people list, the
clinic's audit trail and the patient's "who has looked" page: its links keep
every filter in the address and change only the page."""

import re
from pathlib import Path
from urllib.parse import parse_qs

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _links(html: str) -> dict[str, dict[str, list[str]]]:
    return {
        label: parse_qs(href.replace("&amp;", "&"))
        for href, label in re.findall(r'<a href="\?([^"]+)">([^<]+)</a>', html)
    }


_PLAIN = RequestFactory().get("/")
PAGES = ("accounts/people_list.html", "patients/clinic_audit.html", "patients/record_access.html")


def test_the_links_keep_the_filters_and_change_the_page():
    request = RequestFactory().get("/", {"action": "view", "since": "2026-03-01", "page": "2"})
    page = Paginator(range(30), 10).page(2)
    html = render_to_string(
        "includes/pager.html",
        {"page": page, "previous_label": "Newer", "next_label": "Older"},
        request=request,
    )
    assert "Page 2 of 3" in html
    assert _links(html) == {
        "Newer": {"action": ["view"], "since": ["2026-03-01"], "page": ["1"]},
        "Older": {"action": ["view"], "since": ["2026-03-01"], "page": ["3"]},
    }


def test_one_page_needs_no_pager():
    page = Paginator(range(3), 10).page(1)
    html = render_to_string(
        "includes/pager.html", {"page": page}, request=RequestFactory().get("/")
    )
    assert html.strip() == ""


def test_the_labels_default_to_previous_and_next():
    page = Paginator(range(30), 10).page(2)
    html = render_to_string(
        "includes/pager.html", {"page": page}, request=RequestFactory().get("/")
    )
    assert set(_links(html)) == {"Previous", "Next"}


def test_the_three_pages_use_it_and_none_writes_its_own():
    templates = Path(settings.BASE_DIR) / "templates"
    for name in PAGES:
        text = (templates / name).read_text()
        assert '{% include "includes/pager.html"' in text, name
        assert "page.next_page_number" not in text, name
