"""The first journey: a practitioner adds a patient, who accepts the invitation."""

import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import Patient
from tests.conftest import PASSWORD


def test_practitioner_adds_patient_who_sets_password_and_lands_home(page, site, sign_in, alice):
    sign_in(page, alice.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()

    page.get_by_role("link", name="Add patient").first.click()
    page.get_by_label("Patient's name").fill("Jo March")
    page.get_by_label("Patient's email").fill("Jo.March@Patients.example")
    page.get_by_role("button", name="Add and send invitation").click()

    expect(page.get_by_role("heading", name="Jo March")).to_be_visible()
    expect(
        page.get_by_text("an email with the link to set a password is on its way")
    ).to_be_visible()
    patient = Patient.objects.get(full_name="Jo March")
    assert patient.email == "jo.march@patients.example"
    assert patient.clinic_id == alice.clinic_id

    (message,) = mail.outbox
    assert message.to == ["jo.march@patients.example"]
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)

    # The patient opens the link on their own device: a fresh browser context.
    patient_page = page.context.browser.new_context().new_page()
    patient_page.goto(link)
    expect(patient_page.get_by_role("heading", name="Welcome, Jo March")).to_be_visible()
    patient_page.get_by_label("Choose a password").fill("a-long-mat-password")
    patient_page.get_by_label("Type it again").fill("a-long-mat-password")
    patient_page.get_by_role("button", name="Set password and continue").click()

    expect(patient_page).to_have_url(f"{site}/home/")
    expect(patient_page.get_by_role("heading", name="Hello, Jo March")).to_be_visible()
    patient.refresh_from_db()
    assert patient.user is not None
    assert patient.user.check_password("a-long-mat-password")

    # The same link cannot be used twice.
    patient_page.context.clear_cookies()
    patient_page.goto(link)
    expect(patient_page.get_by_role("heading", name="already been used")).to_be_visible()
