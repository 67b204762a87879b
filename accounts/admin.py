from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator

# Imported first, so that its own registration is there to be replaced below.
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import Actor
from accounts.bounds import BoundedDateHierarchyMixin, could_be_a_key
from accounts.factor_reset import has_second_factor, reset_second_factor, with_second_factor
from accounts.models import (
    AuditEvent,
    Clinic,
    DeletionRequest,
    Invitation,
    Membership,
    Patient,
    User,
)
from accounts.sudo import sudo_required


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
    list_display = ("email", "full_name", "is_staff", "is_active", "has_factor", "last_login")
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

    def get_queryset(self, request):
        return with_second_factor(super().get_queryset(request))

    @admin.display(boolean=True, description="Second factor", ordering="has_factor")
    def has_factor(self, obj):
        return obj.has_factor

    # The user's page edits their email and links to setting their password:
    # staff confirm it is them first (the sudo moment), as everyone does
    # before changing sign-in details.
    @method_decorator(sudo_required)
    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(sudo_required)
    def user_change_password(self, request, id, form_url=""):
        return super().user_change_password(request, id, form_url)

    def get_urls(self):
        return [
            path(
                "<id>/reset-second-factor/",
                self.admin_site.admin_view(self.reset_factor_view),
                name="accounts_user_reset_factor",
            ),
            *super().get_urls(),
        ]

    @method_decorator(sudo_required)
    def reset_factor_view(self, request, id):
        """For a person who lost their device: GET asks "are you sure?", POST resets."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("No such user.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            removed = reset_second_factor(
                user, actor=Actor.of(request), by="a member of the Mat companion staff"
            )
            if removed:
                messages.success(
                    request,
                    f"The second factor of {user} is reset and they have been sent an email "
                    "saying so. They will set up a new one when they next sign in.",
                )
            else:
                messages.info(request, f"{user} has no second factor: there was nothing to reset.")
            return redirect("admin:accounts_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": "Reset second factor",
            "has_factor": has_second_factor(user),
        }
        return TemplateResponse(request, "admin/accounts/user/reset_factor.html", context)


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
