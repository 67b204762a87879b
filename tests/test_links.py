"""Every link a signed-in person can see leads to a working page.

Starting from each role's landing page, follow every same-site link (not the
admin, which Django tests, nor static files) and expect a page, never a 404
or a server error.
"""

import re
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from accounts.models import Patient

HREF = re.compile(r'href="([^"]+)"')
MAX_PAGES = 120


def crawl(client, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in HREF.findall(response.text):
            href = urldefrag(href.replace("&amp;", "&")).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if href.startswith(("/static/", "/admin/")) or href in seen:
                continue
            queue.append(href)
    return seen


@pytest.fixture
def lived_in(pat, alice, quinn, clinic_a):
    call_command("seed_content", stdout=StringIO())
    Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="n@x.example"
    )


@pytest.mark.parametrize(("persona", "start"), [("pat_client", "/"), ("alice_client", "/")])
def test_no_link_leads_to_a_broken_page(persona, start, lived_in, request):
    client = request.getfixturevalue(persona)
    seen = crawl(client, start)
    broken = {url: status for url, status in seen.items() if status != 200}
    assert len(seen) >= 8, sorted(seen)
    assert broken == {}
