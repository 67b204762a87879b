"""Positions on the mat and the routine templates built from them."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.templatetags.static import static

from mats.ladder import MAX_MINUTES, MAX_SESSIONS_PER_WEEK, WeekRange, ladder_problems
from mats.pictures import STORED_LONGEST_SIDE, upload_name

PICTURE_ALT_REQUIRED = (
    "Describe what the uploaded picture shows, so that people who cannot see it "
    "know the position too."
)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Publishable(models.Model):
    """Library content an editor publishes when it is ready: practitioners
    and patients only ever read ``objects.published()``."""

    is_published = models.BooleanField(
        "show to practitioners and patients",
        default=False,
        help_text="Ticked: practitioners and patients can read it. "
        "Leave it unticked while you are still writing.",
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True


class BodyRegion(models.TextChoices):
    NECK = "neck", "Neck"
    UPPER_BACK = "upper_back", "Upper back and shoulders"
    LOW_BACK = "low_back", "Low back"
    HIPS_LEGS = "hips_legs", "Buttocks and backs of the thighs"
    FEET = "feet", "Feet"
    FRONT = "front", "Front of the body"


class Surface(models.TextChoices):
    BED = "bed", "Bed (soft)"
    YOGA_MAT = "yoga_mat", "Yoga mat on the floor"
    FLOOR = "floor", "Floor (firm)"


class Clothing(models.TextChoices):
    THICK = "thick", "A thick layer (sweatshirt, trousers or thick socks)"
    THIN = "thin", "A thin layer (T-shirt or thin socks)"
    THIN_OR_BARE = "thin_or_bare", "A thin layer or bare skin"
    BARE = "bare", "Bare skin, if comfortable"


class Illustration(models.TextChoices):
    """The drawings shipped in static/img/positions/<value>.svg. Each label is
    the drawing's text alternative, word for word its SVG <title>."""

    UPPER_BACK_LYING = (
        "upper_back_lying",
        "Lying on the back with knees bent, the mat under the upper back "
        "and the neck pillow under the neck",
    )
    LOW_BACK_LYING = (
        "low_back_lying",
        "Lying on the back with knees bent, the mat under the low back",
    )
    SITTING = (
        "sitting",
        "Sitting upright on a chair, the mat on the seat under the buttocks and thighs",
    )
    FEET_STANDING = (
        "feet_standing",
        "Standing on the mat and holding a chair back, taking some weight through the hands",
    )
    FACE_DOWN = (
        "face_down",
        "Lying face down on the mat, head turned to one side and resting on a folded towel",
    )
    MORNING_STAND = (
        "morning_stand",
        "Standing barefoot on the mat in the morning, one hand on a counter for balance",
    )
    NECK_PILLOW = (
        "neck_pillow",
        "Lying on the back with legs straight, the spiked neck pillow under the curve of the neck",
    )


# The drawings' own size (their viewBox), for width and height on the page.
ILLUSTRATION_SIZE = (160, 120)


@dataclass(frozen=True)
class Picture:
    """What a page needs to show a position's picture."""

    url: str
    alt: str
    width: int
    height: int

    def fitted(self, box: int) -> tuple[int, int]:
        """Width and height scaled to fit a ``box`` pixels square, ratio kept."""
        scale = box / max(self.width, self.height, 1)
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))


class Position(Publishable):
    name = models.CharField(
        max_length=80,
        unique=True,
        help_text="What patients and practitioners see, for example “Low back, lying”.",
    )
    body_region = models.CharField(
        "body region", max_length=20, choices=BodyRegion.choices, default=BodyRegion.UPPER_BACK
    )
    getting_on = models.TextField(
        "how to get on",
        help_text="Short, plain steps a patient can follow alone at home.",
    )
    getting_off = models.TextField("how to get off", help_text="Short, plain steps.")
    cautions = models.TextField(
        blank=True, help_text="What to watch for in this position, in plain words."
    )
    suggested_start_minutes = models.PositiveSmallIntegerField(
        "suggested starting time (minutes)",
        default=5,
        validators=[
            MinValueValidator(1, "Suggest at least 1 minute."),
            MaxValueValidator(MAX_MINUTES, f"Suggest at most {MAX_MINUTES} minutes."),
        ],
        help_text="How long someone new to the mat might start with here.",
    )
    uses_neck_pillow = models.BooleanField("uses the neck pillow", default=False)
    illustration = models.CharField(
        "drawing",
        max_length=30,
        choices=Illustration.choices,
        blank=True,
        help_text="One of the site's own drawings of a position. An uploaded picture "
        "below is shown instead of it.",
    )
    picture = models.ImageField(
        "uploaded picture",
        upload_to=upload_name,
        blank=True,
        width_field="picture_width",
        height_field="picture_height",
        help_text="A PNG, JPEG or WebP photo or drawing, at most 5 MB. It is resized to "
        "640 pixels on its longest side and saved without its metadata.",
    )
    picture_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    picture_alt = models.CharField(
        "what the picture shows",
        max_length=200,
        blank=True,
        help_text="Read aloud to people who cannot see the picture, for example "
        "“Lying on the back, the mat under the shoulders”. Needed with an uploaded picture.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(illustration="")
                | models.Q(illustration__in=Illustration.values),
                name="position_illustration_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(picture="") | ~models.Q(picture_alt=""),
                name="position_picture_has_alt_text",
                violation_error_message=PICTURE_ALT_REQUIRED,
            ),
            models.CheckConstraint(
                condition=models.Q(body_region__in=BodyRegion.values),
                name="position_body_region_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(suggested_start_minutes__gte=1)
                & models.Q(suggested_start_minutes__lte=MAX_MINUTES),
                name="position_start_minutes_in_range",
                violation_error_message=f"Suggest between 1 and {MAX_MINUTES} minutes.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.picture and not self.picture_alt.strip():
            raise ValidationError({"picture_alt": PICTURE_ALT_REQUIRED})

    @property
    def shown_picture(self) -> Picture | None:
        """The uploaded picture, else the chosen drawing, else nothing."""
        if self.picture:
            return Picture(
                url=self.picture.url,
                alt=self.picture_alt,
                width=self.picture_width or STORED_LONGEST_SIDE,
                height=self.picture_height or STORED_LONGEST_SIDE,
            )
        if self.illustration in Illustration.values:
            width, height = ILLUSTRATION_SIZE
            return Picture(
                url=static(f"img/positions/{self.illustration}.svg"),
                alt=Illustration(self.illustration).label,
                width=width,
                height=height,
            )
        return None


class RoutineTemplate(Publishable):
    """A ladder of stages a practitioner can start a patient's plan from."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in the page address. Letters, numbers, hyphens."
    )
    summary = models.TextField(
        "who it suits", help_text="One or two sentences a practitioner reads when choosing."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def ladder_problems(self) -> list[str]:
        """The same checks the admin makes, applied to the saved stages."""
        stages = list(self.stages.all())
        problems = ladder_problems([stage.week_range for stage in stages])
        for stage in stages:
            if not stage.positions.exists():
                problems.append(f"The stage for {stage.week_range.describe()} has no positions.")
        return problems


class RoutineStage(models.Model):
    template = models.ForeignKey(RoutineTemplate, on_delete=models.CASCADE, related_name="stages")
    week_from = models.PositiveSmallIntegerField(
        "from week",
        validators=[MinValueValidator(1, "Weeks are counted from 1.")],
        help_text="Week 1 is the first week of the plan.",
    )
    week_to = models.PositiveSmallIntegerField(
        "to week",
        null=True,
        blank=True,
        help_text="The last week of this stage. Leave empty on the last stage to keep it "
        "going until the practitioner changes the plan.",
    )
    surface = models.CharField(
        "surface under the mat", max_length=20, choices=Surface.choices, default=Surface.BED
    )
    clothing = models.CharField(
        "clothing layer", max_length=20, choices=Clothing.choices, default=Clothing.THIN
    )
    minutes_min = models.PositiveSmallIntegerField(
        "shortest session (minutes)",
        validators=[
            MinValueValidator(1, "A session lasts at least 1 minute."),
            MaxValueValidator(MAX_MINUTES, f"A session can last at most {MAX_MINUTES} minutes."),
        ],
    )
    minutes_max = models.PositiveSmallIntegerField(
        "longest session (minutes)",
        validators=[
            MinValueValidator(1, "A session lasts at least 1 minute."),
            MaxValueValidator(MAX_MINUTES, f"A session can last at most {MAX_MINUTES} minutes."),
        ],
        help_text=f"At most {MAX_MINUTES} minutes.",
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        "sessions a week",
        validators=[
            MinValueValidator(1, "Plan at least 1 session a week."),
            MaxValueValidator(
                MAX_SESSIONS_PER_WEEK,
                f"A week has {MAX_SESSIONS_PER_WEEK} days: plan at most one session a day.",
            ),
        ],
        help_text="From 1 to 7.",
    )
    positions = models.ManyToManyField(Position, related_name="stages")
    goal = models.CharField(
        "goal of the stage",
        max_length=200,
        help_text="In the patient's words, for example “Get used to the feeling”.",
    )

    class Meta:
        ordering = ["template", "week_from"]
        constraints = [
            models.UniqueConstraint(
                "template",
                "week_from",
                name="stage_week_from_unique_per_template",
                violation_error_message="Two stages of this routine start in the same week.",
            ),
            models.CheckConstraint(
                condition=models.Q(week_from__gte=1),
                name="stage_starts_in_week_one_or_later",
                violation_error_message="Weeks are counted from 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(week_to__isnull=True)
                | models.Q(week_to__gte=models.F("week_from")),
                name="stage_ends_after_it_starts",
                violation_error_message="A stage cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_min__gte=1)
                & models.Q(minutes_min__lte=models.F("minutes_max")),
                name="stage_minutes_min_not_above_max",
                violation_error_message="The shortest session cannot be longer than the longest.",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_max__lte=MAX_MINUTES),
                name="stage_minutes_at_most_90",
                violation_error_message=f"A session can last at most {MAX_MINUTES} minutes.",
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_per_week__gte=1)
                & models.Q(sessions_per_week__lte=MAX_SESSIONS_PER_WEEK),
                name="stage_sessions_one_to_seven",
                violation_error_message="Plan between 1 and 7 sessions a week.",
            ),
            models.CheckConstraint(
                condition=models.Q(surface__in=Surface.values), name="stage_surface_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(clothing__in=Clothing.values), name="stage_clothing_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template}: {self.week_range.describe()}"

    @property
    def week_range(self) -> WeekRange:
        return WeekRange(self.week_from, self.week_to)

    def clean(self):
        super().clean()
        errors = {}
        if self.week_to is not None and self.week_from and self.week_to < self.week_from:
            errors["week_to"] = (
                f"The stage cannot end before it starts (week {self.week_from}). "
                "Leave it empty for a stage with no end."
            )
        if (
            self.minutes_min is not None
            and self.minutes_max is not None
            and self.minutes_max < self.minutes_min
        ):
            errors["minutes_max"] = (
                f"The longest session ({self.minutes_max} min) cannot be shorter than "
                f"the shortest ({self.minutes_min} min)."
            )
        if errors:
            raise ValidationError(errors)
