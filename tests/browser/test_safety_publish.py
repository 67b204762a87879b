"""A content editor publishes new safety guidance; the patient is asked to read it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from mats.permissions import sync_content_editors
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.conftest import PASSWORD, make_user
from tests.factories import screen
from tests.mats.factories import make_safety_content


@pytest.mark.browser
def test_editor_publishes_a_new_version_and_the_patient_must_read_it(
    page, site, sign_in, log_in_as, pat
):
    make_safety_content()
    first = publish_safety_version(change_note="Our first safety guidance.", published_by=None)
    acknowledge_safety_version(pat, first)
    screen(pat)
    editor = make_user("editor@clinic.example", "Eda Editor", is_staff=True)
    # The live server's database is flushed between tests, which takes the
    # migration-made group with it; make it again as seed_content would.
    editor.groups.add(sync_content_editors(Group, Permission))

    # The editor rewords a stop rule: a draft, until published.
    sign_in(page, editor.email, PASSWORD)
    expect(page).to_have_url(f"{site}/admin/")
    page.get_by_role("link", name="Stop rules").click()
    expect(page.get_by_text("Some safety content has changed")).to_have_count(0)
    page.get_by_role("link", name="Feeling dizzy").click()
    page.get_by_label("What the patient should do now").fill(
        "Sit or lie still until it passes, then get up slowly."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Some safety content has changed and is not published")).to_be_visible()

    # Publishing needs a change note.
    page.get_by_role("link", name="Publish a new safety version").click()
    expect(page.get_by_text("Updated sign to stop: Feeling dizzy (what to do)")).to_be_visible()
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Write a change note before publishing.")).to_be_visible()
    page.get_by_label("Change note").fill("Clearer advice for when you feel dizzy.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Safety version 2 is published.")).to_be_visible()

    # The patient, on their own phone, is stopped before today's session.
    patient_page = page.context.browser.new_context().new_page()
    log_in_as(patient_page, pat.user)
    patient_page.goto(f"{site}/home/")
    expect(patient_page).to_have_url(f"{site}/safety/read/")
    expect(
        patient_page.get_by_role("heading", name="The safety guidance has changed")
    ).to_be_visible()
    expect(patient_page.get_by_text("Clearer advice for when you feel dizzy.")).to_be_visible()
    expect(
        patient_page.get_by_text("Updated sign to stop: Feeling dizzy (what to do)")
    ).to_be_visible()
    expect(patient_page.get_by_text(re.compile("Sit or lie still until it passes"))).to_be_visible()

    patient_page.get_by_role("button", name="I have read this").click()
    expect(patient_page).to_have_url(f"{site}/home/")
    expect(patient_page.get_by_role("heading", name="Hello, Pat Patient")).to_be_visible()
