"""Why a practitioner should look at a patient now: a safety answer that
rules the mat out, or side effects they have not seen yet.

The patient list annotates every row with ``needs_attention`` in one query
(``annotate_attention``); the patient's page shows the reasons
(``attention_for``).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import Patient
from clinic.models import Screening, ScreeningAnswer, SideEffectReport
from mats.services import published_contraindications


def _absolute_codes() -> list[str]:
    return [entry.code for entry in published_contraindications() if entry.is_absolute]


def annotate_attention(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Add ``blocked`` (latest answers include an absolute yes),
    ``unseen_side_effects`` and ``needs_attention`` (either) to each patient."""
    latest = (
        Screening.objects.filter(patient=OuterRef(OuterRef("pk")))
        .order_by("-taken_at", "-pk")
        .values("pk")[:1]
    )
    blocked = Exists(
        ScreeningAnswer.objects.filter(
            screening=Subquery(latest), answer=True, code__in=_absolute_codes()
        )
    )
    unseen = Exists(SideEffectReport.objects.unseen().filter(patient=OuterRef("pk")))
    return patients.annotate(blocked=blocked, unseen_side_effects=unseen).annotate(
        needs_attention=Q(blocked=True) | Q(unseen_side_effects=True)
    )


@dataclass(frozen=True)
class Attention:
    blocking: tuple[ScreeningAnswer, ...]  # absolute contraindications answered yes
    unseen_reports: tuple[SideEffectReport, ...]

    def __bool__(self) -> bool:
        return bool(self.blocking or self.unseen_reports)


def attention_for(patient: Patient) -> Attention:
    latest = patient.screenings.first()
    blocking = ()
    if latest is not None:
        blocking = tuple(
            latest.answers.filter(answer=True, code__in=_absolute_codes()).order_by("pk")
        )
    return Attention(
        blocking=blocking,
        unseen_reports=tuple(patient.side_effect_reports.unseen().select_related("plan")),
    )
