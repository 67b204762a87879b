"""Why a practitioner should look at a patient now, as far as safety goes:
a safety answer that rules the mat out, such an answer the patient took
back and the practitioner has not confirmed yet, side effects they have not
seen yet, or a relative contraindication the current plan has no clearance
for.
(The warning signs in the log itself, such as missed sessions or pain
rising, are worked out in ``clinic.review``.)

The patient list annotates every row in the same query that reads it
(``annotate_attention``); the patient's page shows the reasons
(``attention_for``).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Patient
from clinic.plans.models import CURRENT_STATUSES, Clearance, Plan, Screening, ScreeningAnswer
from clinic.usage.models import SideEffectReport
from mats.services import published_contraindications


def _codes_by_severity() -> tuple[list[str], list[str]]:
    """(absolute, relative) codes as published, from one read of the snapshot."""
    entries = published_contraindications()
    return (
        [entry.code for entry in entries if entry.is_absolute],
        [entry.code for entry in entries if not entry.is_absolute],
    )


def annotate_attention(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Add ``blocked`` (latest answers include an absolute yes),
    ``needs_confirmation`` (latest answers take back an absolute yes, not
    confirmed yet), ``unseen_side_effects``, ``needs_clearance`` (latest
    answers include a relative yes that the current plan has no clearance
    for) and ``needs_attention`` (any of them) to each patient."""
    absolute, relative = _codes_by_severity()
    latest = (
        Screening.objects.filter(patient=OuterRef(OuterRef("pk")))
        .order_by("-taken_at", "-pk")
        .values("pk")[:1]
    )
    blocked = Exists(
        ScreeningAnswer.objects.filter(screening=Subquery(latest), answer=True, code__in=absolute)
    )
    # As the gate does, a question no longer published no longer counts.
    needs_confirmation = Exists(
        ScreeningAnswer.objects.filter(
            screening=Subquery(latest),
            withdraws_yes=True,
            code__in=[*absolute, *relative],
            screening__confirmation__isnull=True,
        )
    )
    unseen = Exists(SideEffectReport.objects.unseen().filter(patient=OuterRef("pk")))
    cleared = Clearance.objects.filter(
        plan__patient=OuterRef(OuterRef("pk")),
        plan__status__in=CURRENT_STATUSES,
        code=OuterRef("code"),
    )
    uncleared = Exists(
        ScreeningAnswer.objects.filter(
            screening=Subquery(latest), answer=True, code__in=relative
        ).exclude(Exists(cleared))
    )
    has_plan = Exists(Plan.objects.current().filter(patient=OuterRef("pk")))
    return patients.annotate(
        blocked=blocked,
        needs_confirmation=needs_confirmation,
        unseen_side_effects=unseen,
        needs_clearance=has_plan & uncleared,
    ).annotate(
        needs_attention=Q(blocked=True)
        | Q(needs_confirmation=True)
        | Q(unseen_side_effects=True)
        | Q(needs_clearance=True)
    )


@dataclass(frozen=True)
class Attention:
    blocking: tuple[ScreeningAnswer, ...]  # absolute contraindications answered yes
    unseen_reports: tuple[SideEffectReport, ...]
    to_clear: tuple[ScreeningAnswer, ...] = ()  # relative, answered yes, no clearance yet
    # Absolute yes taken back in the latest screening, waiting for a confirmation.
    withdrawn: tuple[ScreeningAnswer, ...] = ()
    to_confirm: Screening | None = None  # the screening the confirmation is for

    def __bool__(self) -> bool:
        return bool(self.blocking or self.withdrawn or self.unseen_reports or self.to_clear)


# Passed as ``latest`` when the caller has not read the latest screening.
NOT_READ = object()


def answers_with_clearance() -> Prefetch:
    """A screening's answers, each with ``cleared_now``: whether the
    patient's current plan has a clearance for it (as ``annotate_attention``
    counts one)."""
    cleared = Clearance.objects.filter(
        plan__patient=OuterRef("screening__patient"),
        plan__status__in=CURRENT_STATUSES,
        code=OuterRef("code"),
    )
    return Prefetch(
        "answers", queryset=ScreeningAnswer.objects.annotate(cleared_now=Exists(cleared))
    )


def attention_for(
    patient: Patient,
    latest=NOT_READ,
    *,
    has_current_plan: bool | None = None,
    has_unseen_reports: bool | None = None,
) -> Attention:
    """What needs attention on the patient's page. A page that has read the
    latest screening (its confirmation, and its answers with
    ``answers_with_clearance``) passes it in ``latest``, whether the patient
    has a current plan in ``has_current_plan`` and whether any side effects
    wait to be seen in ``has_unseen_reports``; they are not read again here
    (the reports themselves only when there are some)."""
    if latest is NOT_READ:
        latest = (
            patient.screenings.select_related("confirmation")
            .prefetch_related(answers_with_clearance())
            .first()
        )
    blocking = to_clear = withdrawn = ()
    if latest is not None:
        absolute, relative = _codes_by_severity()
        answers = sorted(latest.answers.all(), key=lambda answer: answer.pk)
        yes = [answer for answer in answers if answer.answer]
        blocking = tuple(answer for answer in yes if answer.code in absolute)
        if not latest.is_confirmed:
            withdrawn = tuple(
                answer
                for answer in answers
                if answer.withdraws_yes and answer.code in {*absolute, *relative}
            )
        if has_current_plan is None:
            has_current_plan = patient.plans.current().exists()
        if has_current_plan:
            to_clear = tuple(
                answer for answer in yes if answer.code in relative and not answer.cleared_now
            )
    unseen = ()
    if has_unseen_reports is not False:
        unseen = tuple(patient.side_effect_reports.unseen().select_related("plan"))
    return Attention(
        blocking=blocking,
        unseen_reports=unseen,
        to_clear=to_clear,
        withdrawn=withdrawn,
        to_confirm=latest if withdrawn else None,
    )
