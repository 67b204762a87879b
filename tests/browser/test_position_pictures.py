"""Pictures of mat positions in a real browser: the patient's phone loads
every drawing on the positions page, and an editor's upload through the
admin reaches the library."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from mats.models import Position
from mats.permissions import sync_content_editors
from mats.seed import load_seed_content
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD, make_user
from tests.mats.factories import image_bytes

LOADED = "image => image.complete && image.naturalWidth > 0"


def upload_field(page):
    # Django's admin puts a file input in a fieldset whose legend names it.
    return page.get_by_role("group", name="Uploaded picture").locator("input[type=file]")


def pictures_all_load(page) -> int:
    """Scroll each lazy picture into view, wait for it to load; their number."""
    pictures = page.locator("img.position-picture")
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        picture.evaluate("image => image.decode()")
        assert picture.evaluate(LOADED), picture.get_attribute("src")
    return pictures.count()


@pytest.mark.browser
def test_phone_shows_every_seeded_position_with_its_picture(page, site, log_in_as, pat):
    load_seed_content()
    page.set_viewport_size(PHONE)
    log_in_as(page, pat.user)
    page.goto(f"{site}/library/positions/")
    expect(page.get_by_role("img", name="Sitting upright on a chair")).to_have_count(1)
    assert pictures_all_load(page) == Position.objects.count() == 7
    # Each fits the phone's width: nothing pushes the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_editor_uploads_a_picture_that_patients_then_see(
    page, site, sign_in, log_in_as, pat, tmp_path
):
    load_seed_content()
    editor = make_user("editor@clinic.example", "Eda Editor", is_staff=True)
    editor.groups.add(sync_content_editors(Group, Permission))
    photo = tmp_path / "our-mat.jpg"
    photo.write_bytes(image_bytes("JPEG", (1200, 900)))
    drawing = tmp_path / "drawing.svg"
    drawing.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    sign_in(page, editor.email, PASSWORD)
    page.get_by_role("link", name="Positions").click()
    page.get_by_role("link", name="Low back, lying").click()
    # The drawing shows until a picture is uploaded.
    preview = page.locator("img.position-picture-preview")
    expect(preview).to_have_attribute("src", "/static/img/positions/low_back_lying.svg")

    # An SVG is refused, with the reason.
    upload_field(page).set_input_files(drawing)
    page.get_by_label("What the picture shows").fill("Our own mat, under the low back.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("SVG files cannot be uploaded here")).to_be_visible()

    upload_field(page).set_input_files(photo)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    preview = page.locator("img.position-picture-preview")
    expect(preview).to_have_attribute("alt", "Our own mat, under the low back.")
    assert preview.evaluate(LOADED)
    stored = Position.objects.get(name="Low back, lying")
    assert (stored.picture_width, stored.picture_height) == (640, 480)

    # The patient sees it in the library, on a phone.
    patient = page.context.browser.new_context(viewport=PHONE).new_page()
    log_in_as(patient, pat.user)
    patient.goto(f"{site}/library/positions/?region=low_back")
    picture = patient.get_by_role("img", name="Our own mat, under the low back.")
    picture.scroll_into_view_if_needed()
    picture.evaluate("image => image.decode()")
    assert picture.evaluate(LOADED)
    assert picture.get_attribute("src") == stored.picture.url
    patient.context.close()
