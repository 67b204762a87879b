"""The admin where content editors curate the mat library and safety content.

Every add, change and delete made here is written to the admin's history
(LogEntry) with the fields that changed; publishing a safety version writes
an entry too. Only superusers and members of "Content editors" hold the
model permissions, so other staff can sign in but not edit.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import RecordAdmin
from accounts.errors import sentence
from mats.forms import (
    LadderFormSet,
    PositionAdminForm,
    PublishSafetyVersionForm,
    RoutineStageForm,
)
from mats.markdown import render_markdown
from mats.models.library import Position, RoutineStage, RoutineTemplate
from mats.models.reading import EvidenceSummary, GuidancePage
from mats.models.safety import (
    DRAFT_NOTE,
    Contraindication,
    SafetySection,
    SafetyVersion,
    StopRule,
)
from mats.services import (
    SafetyRefused,
    current_safety_version,
    publish_safety_version,
    unpublished_safety_changes,
)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    form = PositionAdminForm
    list_display = (
        "name",
        "body_region",
        "suggested_start_minutes",
        "uses_neck_pillow",
        "is_published",
    )
    list_filter = ("is_published", "body_region", "uses_neck_pillow")
    search_fields = ("name", "getting_on", "getting_off", "cautions")
    fieldsets = (
        (None, {"fields": ("name", "body_region", "is_published")}),
        ("On and off the mat", {"fields": ("getting_on", "getting_off")}),
        ("Dose and care", {"fields": ("suggested_start_minutes", "uses_neck_pillow", "cautions")}),
        (
            "Picture",
            {
                "description": "Patients see an uploaded picture if there is one, otherwise "
                "the drawing; with neither, the position shows as words only.",
                "fields": ("current_picture", "illustration", "picture", "picture_alt"),
            },
        ),
    )
    readonly_fields = ("current_picture",)

    @admin.display(description="shown now")
    def current_picture(self, obj):
        picture = obj.shown_picture if obj is not None else None
        if picture is None:
            return "No picture yet."
        width, height = picture.fitted(240)
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="position-picture-preview">',
            picture.url,
            picture.alt,
            width,
            height,
        )


class RoutineStageInline(admin.StackedInline):
    model = RoutineStage
    form = RoutineStageForm
    formset = LadderFormSet
    extra = 0
    verbose_name = "stage"
    verbose_name_plural = "stages (the ladder, week by week)"
    fieldsets = (
        (None, {"fields": (("week_from", "week_to"), "goal")}),
        ("Set-up", {"fields": (("surface", "clothing"),)}),
        ("Dose", {"fields": (("minutes_min", "minutes_max"), "sessions_per_week")}),
        ("Positions", {"fields": ("positions",)}),
    )


@admin.register(RoutineTemplate)
class RoutineTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "stage_count", "is_published")
    list_filter = ("is_published",)
    search_fields = ("name", "summary", "stages__goal")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "summary", "is_published")
    inlines = [RoutineStageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_stage_count=Count("stages"))

    @admin.display(description="stages", ordering="_stage_count")
    def stage_count(self, obj):
        return obj._stage_count


@admin.register(GuidancePage)
class GuidancePageAdmin(admin.ModelAdmin):
    list_display = ("title", "summary", "order", "is_published")
    list_filter = ("is_published",)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "summary", "body", "order", "is_published")


@admin.register(EvidenceSummary)
class EvidenceSummaryAdmin(admin.ModelAdmin):
    list_display = ("short_name", "population", "order", "is_published")
    list_filter = ("is_published",)
    search_fields = ("short_name", "citation", "population", "finding")
    prepopulated_fields = {"slug": ("short_name",)}
    fieldsets = (
        (None, {"fields": ("short_name", "slug", "citation", "link", "order", "is_published")}),
        ("The study", {"fields": ("population", "protocol", "finding", "limits")}),
    )


class SafetyDraftAdmin(admin.ModelAdmin):
    """Safety rows are the draft of the next safety version."""

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            _warn_about_unpublished_changes(request)
        return super().changelist_view(request, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        first_name, first_options = fieldsets[0]
        return [(first_name, {**first_options, "description": DRAFT_NOTE}), *fieldsets[1:]]


def _warn_about_unpublished_changes(request) -> None:
    if not unpublished_safety_changes():
        return
    current = current_safety_version()
    seen = f"version {current.number}" if current else "no safety guidance yet"
    link = reverse("admin:mats_safetyversion_publish")
    messages.warning(
        request,
        format_html(
            "Some safety content has changed and is not published: patients and "
            'practitioners still see {}. <a href="{}">Publish a new safety version</a> '
            "when the changes are ready.",
            seen,
            link,
        ),
    )


@admin.register(Contraindication)
class ContraindicationAdmin(SafetyDraftAdmin):
    list_display = ("name", "severity", "screening_question", "order")
    list_filter = ("severity",)
    search_fields = ("name", "screening_question", "practitioner_explanation", "code")
    prepopulated_fields = {"code": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "code", "severity", "order")}),
        ("What the patient is asked", {"fields": ("screening_question",)}),
        ("For practitioners", {"fields": ("practitioner_explanation",)}),
    )


@admin.register(StopRule)
class StopRuleAdmin(SafetyDraftAdmin):
    list_display = ("symptom", "pauses_plan", "order")
    list_filter = ("pauses_plan",)
    search_fields = ("symptom", "what_to_do", "code")
    prepopulated_fields = {"code": ("symptom",)}
    fieldsets = ((None, {"fields": ("symptom", "code", "what_to_do", "pauses_plan", "order")}),)


@admin.register(SafetySection)
class SafetySectionAdmin(SafetyDraftAdmin):
    list_display = ("title", "order")
    search_fields = ("title", "body", "code")
    prepopulated_fields = {"code": ("title",)}
    fieldsets = ((None, {"fields": ("title", "code", "body", "order")}),)


@admin.register(SafetyVersion)
class SafetyVersionAdmin(RecordAdmin):
    """Published versions are a record: they can be read, never edited.
    They are made by publishing (see publish_view), not typed in."""

    list_display = ("number", "published_at", "published_by", "change_note")
    search_fields = ("change_note",)
    date_hierarchy = "published_at"
    fields = ("number", "published_at", "published_by", "change_note", "published_content")
    readonly_fields = fields

    def can_publish(self, request) -> bool:
        return request.user.has_perm("mats.add_safetyversion")

    @admin.display(description="content as published")
    def published_content(self, obj):
        snapshot = obj.snapshot
        sections = format_html_join(
            "", "<h4>{}</h4>{}", ((s.title, render_markdown(s.body)) for s in snapshot.sections)
        )
        contraindications = format_html_join(
            "",
            "<li><strong>{}</strong> ({}): {}</li>",
            ((c.name, c.severity, c.question) for c in snapshot.contraindications),
        )
        stop_rules = format_html_join(
            "",
            "<li><strong>{}</strong>: {}{}</li>",
            (
                (r.symptom, r.what_to_do, " (pauses the plan)" if r.pauses_plan else "")
                for r in snapshot.stop_rules
            ),
        )
        return format_html(
            "{}<h4>Contraindications</h4><ul>{}</ul><h4>Stop rules</h4><ul>{}</ul>",
            sections,
            contraindications,
            stop_rules,
        )

    def get_urls(self):
        return [
            path(
                "publish/",
                self.admin_site.admin_view(self.publish_view),
                name="mats_safetyversion_publish",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and self.can_publish(request):
            _warn_about_unpublished_changes(request)
        return super().changelist_view(
            request, {**(extra_context or {}), "can_publish": self.can_publish(request)}
        )

    def publish_view(self, request):
        if not self.can_publish(request):
            raise PermissionDenied
        form = PublishSafetyVersionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                version = publish_safety_version(
                    change_note=form.cleaned_data["change_note"], published_by=request.user
                )
            except SafetyRefused as error:
                form.add_error(error.field, sentence(error))
            else:
                messages.success(
                    request,
                    f"Safety version {version.number} is published. Patients will be asked "
                    "to read it the next time they open their page.",
                )
                return redirect("admin:mats_safetyversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Publish a new safety version",
            "form": form,
            "current": current_safety_version(),
            "changes": unpublished_safety_changes(),
        }
        return TemplateResponse(request, "admin/mats/safetyversion/publish.html", context)
