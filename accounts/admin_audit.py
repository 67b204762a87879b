"""Everything done in the Django admin leaves audit rows, from one hook.

The site's ``AdminSite`` (``AuditedAdminSite``, made the default by
``accounts.apps.AuditedAdminConfig``) mixes ``AuditedModelAdmin`` into every
ModelAdmin registered with it, this project's and third-party apps' alike, so
no admin can be forgotten:

- a change list shown: one LIST row, ``count`` = rows on that page; an
  autocomplete answer (the search box of a foreign-key field) likewise, with
  ``count`` = results sent;
- an object's page, its history or its delete confirmation shown: VIEW, also
  when a form that failed its checks is shown again with the data;
- a page refused for want of permission (a read-only record posted to, a
  model the person may not see): REFUSE, on the object where there is one;
- an object added, changed or deleted (one by one or with "delete selected"):
  CREATE, UPDATE or DELETE, through the admin's own ``log_*`` methods, so a
  row is written exactly where Django writes its LogEntry;
- any other admin action run: UPDATE for each selected object.

A list names the model only (it may span clinics, so its clinic is empty);
an object's row carries the object's clinic where it has one
(``accounts.audit.clinic_of``). Nothing typed into the admin's search box is
stored.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied

from accounts import audit
from accounts.models import AuditEvent

Action = AuditEvent.Action


def _record(request, action: str, obj) -> None:
    audit.record(request, action, obj, clinic_id=audit.clinic_of(obj))


def _shown(response, key: str):
    """The object a successful admin page rendered under ``key``, if any."""
    context = getattr(response, "context_data", None) or {}
    return context.get(key) if response.status_code == 200 else None


class AuditedModelAdmin:
    """Mixed in ahead of each registered ModelAdmin; see the module docstring."""

    def _refused(self, request, object_id=None) -> None:
        """A REFUSE row for the page's object (or its model), with the
        object's clinic; only on this path is the object looked up again."""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None:
            audit.record(request, Action.REFUSE, self.model, clinic_id=None)
        else:
            _record(request, Action.REFUSE, obj)

    def changelist_view(self, request, extra_context=None):
        try:
            response = super().changelist_view(request, extra_context)
        except PermissionDenied:
            self._refused(request)
            raise
        changelist = _shown(response, "cl")
        if changelist is not None:
            # The page's rows, read now and kept for the template: no extra query.
            audit.record(
                request,
                Action.LIST,
                self.model,
                clinic_id=None,
                count=len(changelist.result_list),
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            self._refused(request, object_id)
            raise
        shown = _shown(response, "original")
        # A saved form redirects and is recorded by log_change. A 200 is a
        # read: the page itself, or a post that failed its checks shown again
        # with the object's data (a popup's closing page has no "original").
        if shown is not None:
            _record(request, Action.VIEW, shown)
        return response

    def history_view(self, request, object_id, extra_context=None):
        try:
            response = super().history_view(request, object_id, extra_context)
        except PermissionDenied:
            self._refused(request, object_id)
            raise
        shown = _shown(response, "object")
        if shown is not None:
            _record(request, Action.VIEW, shown)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        try:
            response = super().delete_view(request, object_id, extra_context)
        except PermissionDenied:
            self._refused(request, object_id)
            raise
        shown = _shown(response, "object")
        # A confirmed deletion redirects (log_deletions records it); a 200 is
        # the confirmation page, also when a post could not delete.
        if shown is not None:
            _record(request, Action.VIEW, shown)
        return response

    def log_addition(self, request, obj, message):
        _record(request, Action.CREATE, obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        _record(request, Action.UPDATE, obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Called before the rows go, so each still has its clinic.
        for obj in queryset:
            _record(request, Action.DELETE, obj)
        return super().log_deletions(request, queryset)

    def response_action(self, request, queryset, *args, **kwargs):
        response = super().response_action(request, queryset, *args, **kwargs)
        name = request.POST.get("action", "")
        # None: nothing was selected or the form was invalid, so nothing ran.
        # "Delete selected" records its deletions in log_deletions.
        if response is not None and name != "delete_selected":
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            if request.POST.get("select_across") == "1":
                selected = list(queryset.values_list("pk", flat=True))
            for obj in self.model._base_manager.filter(pk__in=selected):
                _record(request, Action.UPDATE, obj)
        return response


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete, recording each answer as a LIST of the model
    searched (``count`` = results sent; never the search or who was found)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Read the page's rows now, once: the answer sends these same objects.
        context["object_list"] = list(context["object_list"])
        self.shown = len(context["object_list"])
        return context

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except PermissionDenied:
            # Set only once the request named a model the admin knows.
            model_admin = getattr(self, "model_admin", None)
            if model_admin is not None:
                audit.record(request, Action.REFUSE, model_admin.model, clinic_id=None)
            raise
        audit.record(request, Action.LIST, self.model_admin.model, clinic_id=None, count=self.shown)
        return response


class AuditedAdminSite(admin.AdminSite):
    """The default admin site, whose every ModelAdmin is audited."""

    def autocomplete_view(self, request):
        return AuditedAutocompleteJsonView.as_view(admin_site=self)(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedModelAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
