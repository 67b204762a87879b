"""mats: the shipped drawings of positions. Each is well-formed SVG with a
title matching its alt text and a dark-scheme palette, small, and every
seeded position has one."""

import re
import xml.etree.ElementTree as ET
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from mats.models import Illustration, Position
from mats.seed import POSITIONS, load_seed_content
from tests.mats.factories import make_position

migration = import_module("mats.migrations.0003_position_pictures")
FOLDER = Path(settings.BASE_DIR) / "static" / "img" / "positions"
SVG_NS = "{http://www.w3.org/2000/svg}"


def test_every_drawing_file_is_a_choice_and_every_choice_has_a_file():
    assert {path.stem for path in FOLDER.glob("*.svg")} == set(Illustration.values)


@pytest.mark.parametrize("key", Illustration.values)
def test_drawing_is_small_well_formed_svg_titled_with_its_alt_text(key):
    path = FOLDER / f"{key}.svg"
    assert path.stat().st_size < 4096
    root = ET.parse(path).getroot()  # noqa: S314
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 160 120"
    assert root.find(f"{SVG_NS}title").text == Illustration(key).label


@pytest.mark.parametrize("key", Illustration.values)
def test_drawing_changes_its_colours_in_the_dark_and_runs_no_script(key):
    text = (FOLDER / f"{key}.svg").read_text()
    style = ET.fromstring(text).find(f"{SVG_NS}style").text  # noqa: S314
    dark = re.search(r"@media \(prefers-color-scheme:\s*dark\)\s*\{(.*)\}", style)
    assert dark is not None
    assert "stroke:" in dark.group(1)
    assert "fill:" in dark.group(1)
    assert "<script" not in text
    assert "href" not in text


@pytest.mark.django_db
def test_every_seeded_position_has_a_drawing_whose_file_exists():
    Position.objects.all().delete()
    load_seed_content()
    positions = Position.objects.all()
    assert positions.count() == len(POSITIONS)
    for position in positions:
        assert position.illustration, position.name
        assert (FOLDER / f"{position.illustration}.svg").is_file()


@pytest.mark.django_db
def test_seed_leaves_a_drawing_an_editor_changed():
    load_seed_content()
    position = Position.objects.get(name="Low back, lying")
    position.illustration = Illustration.SITTING
    position.save()
    load_seed_content()
    position.refresh_from_db()
    assert position.illustration == Illustration.SITTING


def test_each_seeded_name_has_its_drawing_in_the_data_migration():
    assert {spec["name"]: spec["illustration"] for spec in POSITIONS} == migration.SEEDED_DRAWINGS


@pytest.mark.django_db
def test_data_migration_gives_existing_seeded_rows_a_drawing_and_leaves_the_rest():
    before = make_position("Neck on the pillow", illustration="")
    chosen = make_position("Low back, lying", illustration=Illustration.SITTING)
    own = make_position("Our own position", illustration="")

    migration.give_seeded_positions_their_drawings(django_apps, None)

    assert Position.objects.get(pk=before.pk).illustration == Illustration.NECK_PILLOW
    assert Position.objects.get(pk=chosen.pk).illustration == Illustration.SITTING
    assert Position.objects.get(pk=own.pk).illustration == ""
