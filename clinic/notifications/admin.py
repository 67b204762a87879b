"""The outbox for staff: what each email was for, where it stands, how many
tries it took and why the last one failed. Read-only, with one action,
"Try again", for email that failed for good. Addresses stay out of the list,
and bodies out of the admin altogether: they hold sign-in links."""

from django.contrib import admin, messages

from accounts.admin import RecordAdmin
from clinic.notifications.models import OutgoingEmail
from clinic.notifications.services import try_again


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(RecordAdmin):
    # The list and the detail page show the same facts; only the detail page
    # adds the subject and the recipients, so staff can tell a clinic whose
    # email failed.
    list_display = _FACTS = (
        "id",
        "purpose",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "purpose")
    date_hierarchy = "created_at"
    fields = (*_FACTS, "claimed_at", "subject", "to")
    readonly_fields = fields
    actions = ["retry_failed"]

    @admin.action(description="Try again (failed email only)")
    def retry_failed(self, request, queryset):
        count = try_again(queryset)
        if count:
            emails = "1 email" if count == 1 else f"{count} emails"
            messages.success(request, f"{emails} queued again for a fresh round of tries.")
        else:
            messages.info(request, "None of the chosen email had failed, so nothing changed.")
