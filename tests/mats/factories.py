"""Small builders for mat content; each test makes what it needs."""

from collections.abc import Sequence

from mats.models import (
    Contraindication,
    Position,
    RoutineStage,
    RoutineTemplate,
    SafetySection,
    Severity,
    StopRule,
)


def make_position(name: str = "Low back, lying", **extra) -> Position:
    defaults = {
        "body_region": "low_back",
        "getting_on": "Lower yourself slowly.",
        "getting_off": "Roll to the side.",
        "suggested_start_minutes": 5,
        "is_published": True,
    }
    return Position.objects.create(name=name, **{**defaults, **extra})


def make_routine(
    slug: str = "gentle",
    *,
    weeks: Sequence[tuple[int, int | None]] = ((1, 1), (2, None)),
    is_published: bool = True,
    positions: Sequence[Position] | None = None,
) -> RoutineTemplate:
    template = RoutineTemplate.objects.create(
        name=slug.replace("-", " ").title(),
        slug=slug,
        summary="For tests.",
        is_published=is_published,
    )
    positions = positions or [
        Position.objects.filter(name="Low back, lying").first() or make_position()
    ]
    for week_from, week_to in weeks:
        stage = RoutineStage.objects.create(
            template=template,
            week_from=week_from,
            week_to=week_to,
            surface="bed",
            clothing="thin",
            minutes_min=5,
            minutes_max=10,
            sessions_per_week=3,
            goal="Get used to it.",
        )
        stage.positions.set(positions)
    return template


def make_safety_content() -> dict:
    """One of each safety row: the draft an editor would publish."""
    return {
        "pregnancy": Contraindication.objects.create(
            code="pregnancy",
            name="Pregnancy",
            screening_question="Are you pregnant, or could you be?",
            practitioner_explanation="Positions need adapting.",
            severity=Severity.RELATIVE,
            order=1,
        ),
        "open-wounds": Contraindication.objects.create(
            code="open-wounds",
            name="Open wounds",
            screening_question="Do you have an open wound where you would lie?",
            practitioner_explanation="Pressure worsens it.",
            severity=Severity.ABSOLUTE,
            order=2,
        ),
        "dizziness": StopRule.objects.create(
            code="dizziness",
            symptom="Feeling dizzy",
            what_to_do="Stay still until it passes.",
            pauses_plan=True,
        ),
        "bruising": StopRule.objects.create(
            code="bruising",
            symptom="Bruising",
            what_to_do="Tell your practitioner.",
            pauses_plan=False,
        ),
        "intro": SafetySection.objects.create(
            code="intro", title="Part of your care", body="The mat goes **with** needling."
        ),
    }


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (400, 300), **save) -> bytes:
    """A small picture made with Pillow, in ``image_format``."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (40, 140, 100)).save(out, image_format, **save)
    return out.getvalue()


def give_picture(position: Position, alt: str = "A person lying on the mat.") -> Position:
    """Store a checked, re-encoded picture for ``position`` as the admin would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mats.pictures import prepare_upload

    upload = SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")
    position.picture_alt = alt
    position.picture.save("photo.webp", prepare_upload(upload), save=False)
    position.save()
    return position
