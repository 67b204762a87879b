"""Guidance pages and evidence summaries: the reading a clinic shares."""

from django.core.validators import URLValidator
from django.db import models

from mats.markdown import validate_safe_markdown
from mats.models.library import Publishable

MARKDOWN_HELP = (
    "Markdown: a blank line starts a new paragraph, **bold**, *italic*, "
    "“- ” starts a list item, [link text](https://example.org). HTML is not allowed."
)


class GuidancePage(Publishable):
    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in the page address. Letters, numbers, hyphens."
    )
    summary = models.CharField(
        max_length=200, help_text="One sentence shown in the list of guides."
    )
    body = models.TextField(validators=[validate_safe_markdown], help_text=MARKDOWN_HELP)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class EvidenceSummary(Publishable):
    short_name = models.CharField(
        "study", max_length=80, unique=True, help_text="Authors and year, e.g. “Hohmann 2012”."
    )
    slug = models.SlugField(max_length=60, unique=True)
    citation = models.CharField(max_length=300, help_text="Journal, volume, pages.")
    population = models.CharField(
        "who and how long", max_length=300, help_text="Who took part and for how long."
    )
    protocol = models.TextField(help_text="What the people in the study did.")
    finding = models.TextField(help_text="What the study found, without overstating it.")
    limits = models.TextField(help_text="Why the finding should be read with care.")
    link = models.URLField(
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where to read the study (https://…).",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "short_name"]
        verbose_name_plural = "evidence summaries"

    def __str__(self) -> str:
        return self.short_name
