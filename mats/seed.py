"""The content a fresh install starts with, in the project's own words.

Facts come from the clinic's domain brief; every sentence is written for
this site. ``load_seed_content`` only creates what is missing, so it is safe
to run on every start and never overwrites what content editors changed.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Model

from mats.models import (
    BodyRegion,
    Clothing,
    Contraindication,
    EvidenceSummary,
    GuidancePage,
    Illustration,
    Position,
    RoutineStage,
    RoutineTemplate,
    SafetySection,
    SafetyVersion,
    Severity,
    StopRule,
    Surface,
)
from mats.permissions import sync_content_editors
from mats.services import publish_safety_version

FIRST_VERSION_NOTE = "The clinic's first published safety guidance for the acupressure mat."

UPPER_BACK = "Upper back and neck, lying"
LOW_BACK = "Low back, lying"
SITTING = "Buttocks and thighs, sitting"
FEET = "Feet, standing lightly"
FACE_DOWN = "Face down, at the end of the day"
MORNING = "Barefoot stand, in the morning"
NECK = "Neck on the pillow"

POSITIONS = [
    {
        "name": UPPER_BACK,
        "illustration": Illustration.UPPER_BACK_LYING,
        "body_region": BodyRegion.UPPER_BACK,
        "getting_on": (
            "Sit on the floor or bed with the mat behind you. Lean back onto your elbows, "
            "then lower your upper back onto the spikes slowly, so your weight spreads "
            "over as many of them as possible. If you have the neck pillow, rest your "
            "neck on it."
        ),
        "getting_off": (
            "Roll gently onto one side, push yourself up with your hands and sit for a "
            "few breaths before standing."
        ),
        "cautions": (
            "Keep your shoulders soft. If the stinging has not eased after a minute or so, "
            "add a layer of clothing or move to a softer surface."
        ),
        "suggested_start_minutes": 5,
        "uses_neck_pillow": True,
    },
    {
        "name": LOW_BACK,
        "illustration": Illustration.LOW_BACK_LYING,
        "body_region": BodyRegion.LOW_BACK,
        "getting_on": (
            "Place the mat where your low back will be. Sit just in front of it, lean back "
            "on your elbows and lower yourself slowly. Bend your knees with your feet flat "
            "if that is more comfortable."
        ),
        "getting_off": (
            "Roll onto your side, use your arms to come up to sitting, and wait a moment "
            "before you stand."
        ),
        "cautions": (
            "Do not drop onto the mat. A pillow under your knees can take strain off the low back."
        ),
        "suggested_start_minutes": 5,
        "uses_neck_pillow": False,
    },
    {
        "name": SITTING,
        "illustration": Illustration.SITTING,
        "body_region": BodyRegion.HIPS_LEGS,
        "getting_on": (
            "Put the mat on a firm chair or on the floor and sit down onto it slowly, "
            "with your weight even on both sides."
        ),
        "getting_off": "Lean forward and stand up, using your hands on your knees if needed.",
        "cautions": (
            "A gentle way to begin, since you can lift your weight off whenever you like. "
            "Wear trousers at first if bare skin is too much."
        ),
        "suggested_start_minutes": 5,
        "uses_neck_pillow": False,
    },
    {
        "name": FEET,
        "illustration": Illustration.FEET_STANDING,
        "body_region": BodyRegion.FEET,
        "getting_on": (
            "Put the mat on the floor next to a counter or a sturdy chair. Hold on, then "
            "step onto it one foot at a time, keeping part of your weight in your hands."
        ),
        "getting_off": "Keep holding on and step off one foot at a time.",
        "cautions": (
            "Feet are sensitive: start in socks and only for a short while. Sitting with "
            "your feet resting on the mat is an even gentler start."
        ),
        "suggested_start_minutes": 2,
        "uses_neck_pillow": False,
    },
    {
        "name": FACE_DOWN,
        "illustration": Illustration.FACE_DOWN,
        "body_region": BodyRegion.FRONT,
        "getting_on": (
            "Kneel beside the mat, then lower your front onto it slowly, taking your "
            "weight on your forearms until you are settled. Turn your head to one side "
            "and rest it on a folded towel."
        ),
        "getting_off": "Push up onto your hands and knees, then sit back on your heels.",
        "cautions": (
            "Keep your face off the spikes. This suits the end of the day, once you are "
            "used to lying on your back on the mat."
        ),
        "suggested_start_minutes": 5,
        "uses_neck_pillow": False,
    },
    {
        "name": MORNING,
        "illustration": Illustration.MORNING_STAND,
        "body_region": BodyRegion.FEET,
        "getting_on": (
            "After getting up, stand on the mat in bare feet, holding a counter or a "
            "chair back for balance."
        ),
        "getting_off": "Step off while still holding on.",
        "cautions": (
            "Meant to wake you up, so keep it short. Move to socks if bare feet are too sharp."
        ),
        "suggested_start_minutes": 1,
        "uses_neck_pillow": False,
    },
    {
        "name": NECK,
        "illustration": Illustration.NECK_PILLOW,
        "body_region": BodyRegion.NECK,
        "getting_on": (
            "Lie on your back on a firm surface and place the neck pillow under the curve "
            "of your neck. Lower your head slowly until it rests on the spikes."
        ),
        "getting_off": "Lift your head, slide the pillow away and roll onto your side.",
        "cautions": (
            "Let the pillow hold your head; do not press down. Place a thin cloth over it "
            "if it feels too sharp."
        ),
        "suggested_start_minutes": 5,
        "uses_neck_pillow": True,
    },
]

# (week_from, week_to, surface, clothing, min, max, sessions a week, positions, goal)
ROUTINES = [
    {
        "slug": "standard-three-stage",
        "name": "Standard three-stage ladder",
        "summary": (
            "The usual start: soft surface and a T-shirt in the first week, then a step "
            "firmer and less covered each week while the sessions grow longer."
        ),
        "stages": [
            (
                1,
                1,
                Surface.BED,
                Clothing.THIN,
                5,
                10,
                3,
                [UPPER_BACK, LOW_BACK],
                "Get used to the feeling of the spikes.",
            ),
            (
                2,
                2,
                Surface.YOGA_MAT,
                Clothing.THIN_OR_BARE,
                10,
                15,
                4,
                [UPPER_BACK, LOW_BACK, SITTING],
                "Make the sessions a regular habit.",
            ),
            (
                3,
                None,
                Surface.FLOOR,
                Clothing.BARE,
                15,
                30,
                5,
                [UPPER_BACK, LOW_BACK, SITTING, FEET, NECK],
                "Stay comfortable and try more positions.",
            ),
        ],
    },
    {
        "slug": "low-back-with-rehabilitation",
        "name": "Low back alongside rehabilitation",
        "summary": (
            "For chronic low back pain alongside a rehabilitation exercise programme: a "
            "session every day, building up to an hour, as in Frizziero 2021."
        ),
        "stages": [
            (
                1,
                1,
                Surface.BED,
                Clothing.THIN,
                10,
                20,
                7,
                [LOW_BACK],
                "Settle into a daily session next to your exercises.",
            ),
            (
                2,
                2,
                Surface.YOGA_MAT,
                Clothing.THIN_OR_BARE,
                20,
                40,
                7,
                [LOW_BACK, SITTING],
                "Let the time grow a little each day.",
            ),
            (
                3,
                4,
                Surface.FLOOR,
                Clothing.BARE,
                40,
                60,
                7,
                [LOW_BACK, SITTING],
                "Build up to an hour a day while it stays comfortable.",
            ),
        ],
    },
    {
        "slug": "feet-and-sitting-first",
        "name": "Feet and sitting first",
        "summary": (
            "For people who feel unsure about lying on spikes: start with short sessions "
            "seated or standing, where it is easy to ease off, and lie down later."
        ),
        "stages": [
            (
                1,
                2,
                Surface.FLOOR,
                Clothing.THICK,
                2,
                5,
                3,
                [SITTING, FEET],
                "Try the mat where it is easy to ease off.",
            ),
            (
                3,
                4,
                Surface.FLOOR,
                Clothing.THIN,
                5,
                10,
                4,
                [SITTING, FEET, MORNING],
                "Grow more comfortable with less between you and the mat.",
            ),
            (
                5,
                None,
                Surface.YOGA_MAT,
                Clothing.THIN,
                10,
                15,
                4,
                [SITTING, FEET, LOW_BACK],
                "Try lying on the mat once sitting feels easy.",
            ),
        ],
    },
]

CONTRAINDICATIONS = [
    {
        "code": "pregnancy",
        "name": "Pregnancy",
        "screening_question": "Are you pregnant, or could you be?",
        "practitioner_explanation": (
            "Lying on the back or front gets harder as pregnancy goes on, and firm pressure "
            "over some points is usually avoided in pregnancy. Relative: you may clear a "
            "plan with adapted positions and gentler doses; record your reasoning."
        ),
        "severity": Severity.RELATIVE,
    },
    {
        "code": "blood-pressure-medication",
        "name": "Medicine for blood pressure",
        "screening_question": "Do you take medicine for your blood pressure?",
        "practitioner_explanation": (
            "Sessions are relaxing and heart rate tends to fall; on top of blood-pressure "
            "medicine, getting up afterwards may bring on light-headedness. Relative: clear "
            "once the patient knows to rise slowly, and watch their reports for dizziness."
        ),
        "severity": Severity.RELATIVE,
    },
    {
        "code": "bleeding-disorder",
        "name": "A bleeding disorder or blood thinners",
        "screening_question": (
            "Do you have a condition that makes you bleed or bruise easily, or take "
            "medicine that thins your blood?"
        ),
        "practitioner_explanation": (
            "Sustained pressure from hundreds of spikes can cause bruising, which is more "
            "likely and harder to settle when clotting is impaired. Absolute: no plan may "
            "start."
        ),
        "severity": Severity.ABSOLUTE,
    },
    {
        "code": "reduced-sensation",
        "name": "Reduced feeling in the skin",
        "screening_question": (
            "Is there anywhere on your body where you have less feeling than usual, for "
            "example numb feet or nerve damage?"
        ),
        "practitioner_explanation": (
            "Someone who cannot feel the spikes properly cannot tell when the pressure is "
            "too much, so damage may go unnoticed (peripheral neuropathy, for example). "
            "Relative: clear only a plan that keeps the affected areas off the mat, and "
            "record which areas those are."
        ),
        "severity": Severity.RELATIVE,
    },
    {
        "code": "fragile-skin",
        "name": "Fragile or thin skin",
        "screening_question": "Does your skin tear or bruise easily, or is it very thin?",
        "practitioner_explanation": (
            "Thin or fragile skin marks and breaks more easily under pointed pressure. "
            "Relative: clear with a thick clothing layer, a soft surface and short "
            "sessions, and review the skin at the next visit."
        ),
        "severity": Severity.RELATIVE,
    },
    {
        "code": "broken-or-inflamed-skin",
        "name": "Broken, infected or inflamed skin",
        "screening_question": (
            "Do you have an open wound, a skin infection or inflamed skin such as eczema "
            "on any part you would put on the mat?"
        ),
        "practitioner_explanation": (
            "Pressure on broken or inflamed skin can worsen it or spread infection, and the "
            "mat cannot be kept sterile. Absolute: no plan may start until the skin has "
            "healed and the patient has answered the screening again."
        ),
        "severity": Severity.ABSOLUTE,
    },
    {
        "code": "active-infection",
        "name": "An infection right now",
        "screening_question": "Are you unwell with an infection at the moment, such as a fever?",
        "practitioner_explanation": (
            "During an active infection the body is better left to rest and recover. "
            "Absolute: no plan may start until the patient is well and has answered the "
            "screening again."
        ),
        "severity": Severity.ABSOLUTE,
    },
    {
        "code": "recent-surgery",
        "name": "Recent surgery",
        "screening_question": (
            "Have you had an operation recently, or are you still healing from one?"
        ),
        "practitioner_explanation": (
            "Pressure on or near tissue that is still healing can delay recovery. Relative: "
            "clear a plan that keeps the mat well away from the operated area once healing "
            "allows, and record the reason."
        ),
        "severity": Severity.RELATIVE,
    },
]

STOP_RULES = [
    {
        "code": "broken-skin",
        "symptom": "Broken skin",
        "what_to_do": (
            "Stop using the mat. Clean the spot gently, cover it, and let your practitioner know."
        ),
    },
    {
        "code": "bruising",
        "symptom": "Bruising",
        "what_to_do": (
            "Stop using the mat and tell your practitioner. They may change the surface, "
            "clothing or time before you carry on."
        ),
    },
    {
        "code": "growing-pain",
        "symptom": "Pain that gets worse during or after a session",
        "what_to_do": (
            "Come off the mat slowly and rest. Do not push through it; tell your "
            "practitioner how it feels."
        ),
    },
    {
        "code": "lasting-numbness",
        "symptom": "Numbness that does not go away",
        "what_to_do": (
            "Tingling that fades after you get up is normal. If numbness stays, stop "
            "using the mat and tell your practitioner."
        ),
    },
    {
        "code": "dizziness",
        "symptom": "Feeling dizzy or faint",
        "what_to_do": (
            "Stay lying or sitting until it passes, then get up slowly and have a drink of "
            "water. If you fainted, get medical help. Either way, tell your practitioner."
        ),
    },
    {
        "code": "lasting-rash",
        "symptom": "A rash that does not fade",
        "what_to_do": (
            "Some redness straight after a session is expected. If a rash stays, stop "
            "using the mat and tell your practitioner."
        ),
    },
]

SAFETY_SECTIONS = [
    {
        "code": "part-of-your-care",
        "title": "Part of your care, not a replacement",
        "body": (
            "Your practitioner chooses your mat routine to go with your acupuncture "
            "appointments. It does not replace them, and it is not a treatment to plan "
            "on your own.\n\n"
            "If something on the list below applies to you, or starts to apply while you "
            "are using the mat, tell your practitioner before your next session."
        ),
    },
    {
        "code": "staying-comfortable",
        "title": "Staying comfortable",
        "body": (
            "The spikes do not pierce the skin. Most people feel a sharp, stinging "
            "sensation for the first half-minute to a minute, which then turns into warmth "
            "and tingling.\n\n"
            "If it is too much, you can make it gentler:\n\n"
            "- wear a thicker layer of clothing\n"
            "- put the mat on a softer surface, such as a bed\n"
            "- keep the session shorter\n"
            "- sit on the mat instead of lying on it\n\n"
            "Get up slowly at the end, and have a glass of water."
        ),
    },
]

GUIDANCE_PAGES = [
    {
        "slug": "how-to-use-the-mat",
        "title": "How to use the mat",
        "summary": "A session, step by step.",
        "order": 1,
        "body": (
            "## Before you start\n\n"
            "Put the mat on the surface your plan says, and wear the clothing layer it "
            "suggests. A thin top is a good start.\n\n"
            "## During the session\n\n"
            "1. Lower yourself onto the mat slowly, spreading your weight evenly.\n"
            "2. Breathe slowly (see the breathing guide) and keep screens out of reach.\n"
            "3. Stay for the minutes in your plan. Falling asleep is common and does no "
            "harm.\n\n"
            "## Afterwards\n\n"
            "Get up slowly and have a drink of water. Some gentle movement afterwards is "
            "fine if you feel like it.\n\n"
            "Then tick off the session and say how it went, so your practitioner can see "
            "it before your next appointment."
        ),
    },
    {
        "slug": "breathing",
        "title": "Breathing on the mat",
        "summary": "Slow breathing helps the first sting settle.",
        "order": 2,
        "body": (
            "Breathe in and out through your nose, slowly: about four to six breaths a "
            "minute.\n\n"
            "Make each out-breath a little longer than the in-breath. Counting can help, "
            "for example in for four and out for six.\n\n"
            "If your mind wanders, bring it back to your breathing. There is no need to get "
            "it perfect."
        ),
    },
    {
        "slug": "cleaning",
        "title": "Keeping the mat clean",
        "summary": "Cover, spikes and drying.",
        "order": 3,
        "body": (
            "- **Cover:** wash it by hand.\n"
            "- **Spikes:** wipe them with mild soap and water.\n"
            "- **Drying:** let every part dry completely before you use the mat again.\n\n"
            "Keep the mat to yourself, so that it stays clean between your sessions."
        ),
    },
    {
        "slug": "what-to-expect",
        "title": "What to expect",
        "summary": "How it feels, and how it changes over the weeks.",
        "order": 4,
        "body": (
            "## The first minute\n\n"
            "Lying on the mat feels prickly and sharp at first. After about half a minute "
            "to a minute it usually gives way to warmth and tingling.\n\n"
            "## The first weeks\n\n"
            "Plans start short and gentle and build up: a few minutes on a soft surface "
            "with a shirt on, then longer sessions on a firmer surface with less between "
            "you and the spikes.\n\n"
            "## What it can and cannot do\n\n"
            "Studies suggest the mat can ease neck and low back pain for a while and help "
            "you relax, especially alongside active care. It is not a cure, and your "
            "practitioner remains the person to talk to about your treatment."
        ),
    },
]

EVIDENCE = [
    {
        "slug": "hohmann-2012",
        "short_name": "Hohmann et al. 2012",
        "citation": "Evidence-Based Complementary and Alternative Medicine 2012:753583",
        "population": "Adults with long-standing neck and low back pain, over two weeks.",
        "protocol": "Daily use of an acupressure mat at home.",
        "finding": (
            "Pain went down, the pressure people could bear before it hurt went up, and "
            "neck function improved."
        ),
        "limits": "A small, short trial, and participants knew which group they were in.",
        "link": "https://doi.org/10.1155/2012/753583",
        "order": 1,
    },
    {
        "slug": "olsson-von-scheele-2011",
        "short_name": "Olsson & von Schéele 2011",
        "citation": "Journal of Alternative and Complementary Medicine 17(1):5-12",
        "population": "Healthy adults, in a single session.",
        "protocol": "Lying on the mat compared with relaxation or listening to music.",
        "finding": (
            "Heart rate fell while heart-rate variability and circulation rose; cortisol, "
            "a stress hormone, did not change."
        ),
        "limits": "Healthy volunteers and only one session, so it says little about patients.",
        "link": "https://pubmed.ncbi.nlm.nih.gov/?term=Olsson+von+Scheele+2011+acupressure+mat",
        "order": 2,
    },
    {
        "slug": "frizziero-2021",
        "short_name": "Frizziero et al. 2021",
        "citation": "Applied Sciences 11(11):5211",
        "population": (
            "People with chronic low back pain in a rehabilitation programme, over four weeks."
        ),
        "protocol": "Rehabilitation exercise, with or without 60 minutes on the mat every day.",
        "finding": (
            "Both groups got better; the mat group did better on pain, everyday function "
            "and quality of life."
        ),
        "limits": (
            "Only the assessors were blinded, the study was of moderate size, and how "
            "faithfully people used the mat at home varied."
        ),
        "link": "https://doi.org/10.3390/app11115211",
        "order": 3,
    },
    {
        "slug": "godley-smith-2020",
        "short_name": "Godley & Smith 2020",
        "citation": "Complementary Therapies in Clinical Practice 39:101146",
        "population": (
            "A systematic review of six randomised trials, about 468 adults with chronic "
            "low back pain."
        ),
        "protocol": "Acupressure, mostly over about four weeks.",
        "finding": (
            "Pain fell by at least 30 %, disability and sleep improved, and no harmful "
            "effects were reported."
        ),
        "limits": "The trials differed a lot from one another, which makes them hard to pool.",
        "link": "https://doi.org/10.1016/j.ctcp.2020.101146",
        "order": 4,
    },
    {
        "slug": "kisker-schone-2024",
        "short_name": "Kisker & Schöne 2024",
        "citation": "Applied Psychology: Health and Well-Being 16(1):338-355",
        "population": "Students, over three weeks.",
        "protocol": "A relaxation routine with or without the mat.",
        "finding": "Felt stress went down by the same amount in both groups.",
        "limits": "A healthy group: it does not tell us about people in pain.",
        "link": "https://pubmed.ncbi.nlm.nih.gov/?term=Kisker+Schone+2024+acupressure+mat",
        "order": 5,
    },
]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    published_version: int | None = None

    def count(self, label: str, created: bool) -> None:
        self.created[label] = self.created.get(label, 0) + int(created)


def _ensure(
    report: SeedReport,
    label: str,
    model: type[Model],
    specs: list[dict],
    *,
    key: str,
    numbered: bool = False,
    **extra,
) -> None:
    """Create each row of ``specs`` that is missing (found by ``key``); rows
    already there stay as editors left them. ``numbered`` rows take their
    place in ``specs`` as their order."""
    for number, spec in enumerate(specs, start=1):
        defaults = {**spec, **extra, **({"order": number} if numbered else {})}
        _, created = model.objects.get_or_create(**{key: spec[key]}, defaults=defaults)
        report.count(label, created)


@transaction.atomic
def load_seed_content() -> SeedReport:
    """Create whatever seed content is missing and publish safety version 1 if
    nothing was ever published. Existing rows are left exactly as they are."""
    report = SeedReport()
    sync_content_editors(Group, Permission)

    positions = {}
    for spec in POSITIONS:
        position, created = Position.objects.get_or_create(
            name=spec["name"], defaults={**spec, "is_published": True}
        )
        positions[position.name] = position
        report.count("positions", created)

    for spec in ROUTINES:
        template, created = RoutineTemplate.objects.get_or_create(
            slug=spec["slug"],
            defaults={"name": spec["name"], "summary": spec["summary"], "is_published": True},
        )
        report.count("routine templates", created)
        if not created:
            continue
        for week_from, week_to, surface, clothing, low, high, sessions, names, goal in spec[
            "stages"
        ]:
            stage = RoutineStage.objects.create(
                template=template,
                week_from=week_from,
                week_to=week_to,
                surface=surface,
                clothing=clothing,
                minutes_min=low,
                minutes_max=high,
                sessions_per_week=sessions,
                goal=goal,
            )
            stage.positions.set(
                positions.get(name) or Position.objects.get(name=name) for name in names
            )

    _ensure(
        report, "contraindications", Contraindication, CONTRAINDICATIONS, key="code", numbered=True
    )
    _ensure(report, "stop rules", StopRule, STOP_RULES, key="code", numbered=True, pauses_plan=True)
    _ensure(report, "safety sections", SafetySection, SAFETY_SECTIONS, key="code", numbered=True)
    _ensure(report, "guidance pages", GuidancePage, GUIDANCE_PAGES, key="slug", is_published=True)
    _ensure(report, "evidence summaries", EvidenceSummary, EVIDENCE, key="slug", is_published=True)

    if not SafetyVersion.objects.exists():
        version = publish_safety_version(change_note=FIRST_VERSION_NOTE, published_by=None)
        report.published_version = version.number
    return report
