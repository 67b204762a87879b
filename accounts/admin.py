from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.shortcuts import get_object_or_404

# Imported first, so that its own registration is there to be replaced below.
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.bounds import BoundedDateHierarchyMixin, could_be_a_key
from accounts.models import (
    AuditEvent,
    Clinic,
    DeletionRequest,
    Invitation,
    Membership,
    Patient,
    User,
)


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("About", {"fields": ("full_name",)}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    # The site keeps these itself; an edited one could also fall outside the
    # years every other form accepts (accounts.bounds).
    readonly_fields = ("last_login", "date_joined")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete shows the chosen row again by asking the database
    for it by id, and an id no row could have (a blank, a number past 2**63)
    is a server error there. Such a value is left out of that question; the
    field's own check then says "Select a valid choice"."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        usable = [v for v in value if str(v) == "" or could_be_a_key(target, v)]
        return super().optgroups(name, usable, attr)


class CheckedAutocompleteMixin:
    """For an admin or inline with ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ("user", "clinic", "role")
    list_filter = ("clinic", "role")
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)


@admin.register(Patient)
class PatientAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ("full_name", "clinic", "primary_practitioner", "has_account")
    list_filter = ("clinic",)
    search_fields = ("full_name", "email")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="Has an account")
    def has_account(self, obj):
        return obj.has_account


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("patient", "created_at", "expires_at", "used_at")
    list_filter = ("patient__clinic",)
    search_fields = ("patient__full_name",)
    readonly_fields = ("patient", "token_hash", "created_by", "created_at", "expires_at", "used_at")

    def has_add_permission(self, request):
        # Links are only made by the invite workflow, which emails the token.
        return False


class RecordAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """A record the site writes itself: the admin shows it and never adds,
    changes or deletes it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    """The trail is evidence: nobody edits or deletes it from the admin."""

    list_display = ("at", "actor", "clinic", "action", "object_type", "object_id")
    list_filter = ("action", "object_type", "clinic")
    date_hierarchy = "at"


@admin.register(DeletionRequest)
class DeletionRequestAdmin(RecordAdmin):
    """Dates only: the patient's message is for their practitioner, on the patient's page."""

    list_display = ("pk", "patient", "requested_at", "withdrawn_at", "handled_at")
    list_filter = ("patient__clinic",)
    date_hierarchy = "requested_at"
    fields = ("patient", "requested_at", "withdrawn_at", "handled_at", "handled_by")


class TOTPDeviceAdminWith404(TOTPDeviceAdmin):
    """django-otp's, except that a device that does not exist (deleted, or an
    id typed by hand) is a 404 on its set-up and QR code pages, not a 500."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdminWith404)
