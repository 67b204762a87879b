"""Staff see patients' deletion requests in the admin by date, read-only and
without the patient's message (accounts.admin.DeletionRequestAdmin)."""

from django.urls import reverse

from accounts.models import DeletionRequest

MESSAGE = "My knee still hurts, please delete everything."


def test_staff_see_the_request_by_date_without_its_message(staff_client, pat):
    asked = DeletionRequest.objects.create(patient=pat, message=MESSAGE)
    listing = staff_client.get(reverse("admin:accounts_deletionrequest_changelist"))
    assert listing.status_code == 200
    assert f"{asked.pk}" in listing.text
    detail = staff_client.get(reverse("admin:accounts_deletionrequest_change", args=[asked.pk]))
    assert detail.status_code == 200
    for page in (listing, detail):
        assert MESSAGE not in page.text


def test_nobody_adds_changes_or_deletes_a_request_there(staff_client, pat):
    asked = DeletionRequest.objects.create(patient=pat)
    assert staff_client.get(reverse("admin:accounts_deletionrequest_add")).status_code == 403
    delete = reverse("admin:accounts_deletionrequest_delete", args=[asked.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert DeletionRequest.objects.filter(pk=asked.pk).exists()
