"""mats: a position's picture. Uploads are checked and re-encoded before they
are stored, alt text is required (form and database), and pages get the
upload, else the drawing, else nothing."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from mats.models import Illustration, Position
from mats.pictures import MAX_UPLOAD_BYTES, prepare_upload
from tests.mats.factories import give_picture, image_bytes, make_position

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def position_form(position: Position, **changes) -> dict:
    data = {
        "name": position.name,
        "body_region": position.body_region,
        "getting_on": position.getting_on,
        "getting_off": position.getting_off,
        "cautions": position.cautions,
        "suggested_start_minutes": str(position.suggested_start_minutes),
        "is_published": "on",
        "illustration": position.illustration,
        "picture_alt": position.picture_alt,
    }
    return {**data, **changes}


def post_change(client, position, **changes):
    url = reverse("admin:mats_position_change", args=[position.pk])
    return client.post(url, position_form(position, **changes))


# --- Checking and re-encoding -------------------------------------------------


def test_jpeg_is_stored_as_a_small_webp_without_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x9286] = "Taken at 12 Acacia Avenue"  # UserComment
    photo = image_bytes("JPEG", (3000, 2000), exif=exif.tobytes())
    assert b"Acacia" in photo

    stored = prepare_upload(upload(photo, "holiday.jpg", "image/jpeg"))

    data = stored.read()
    assert stored.name.endswith(".webp")
    assert b"Acacia" not in data
    assert b"Camera maker" not in data
    image = Image.open(BytesIO(data))
    assert image.format == "WEBP"
    assert image.size == (640, 427)
    assert not image.getexif()


def test_photo_taken_sideways_is_stored_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    photo = image_bytes("JPEG", (400, 200), exif=exif.tobytes())
    image = Image.open(prepare_upload(upload(photo, "phone.jpg", "image/jpeg")))
    assert image.size == (200, 400)


def test_small_picture_is_not_enlarged_and_transparency_is_kept():
    out = BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(out, "PNG")
    image = Image.open(prepare_upload(upload(out.getvalue())))
    assert image.size == (300, 200)
    assert image.mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (SVG, "drawing.svg", "SVG files cannot be uploaded here"),
        # An SVG with a picture's name is still an SVG.
        (SVG, "drawing.png", "SVG files cannot be uploaded here"),
        (image_bytes("GIF"), "moving.gif", "not a PNG, JPEG or WebP picture"),
        (image_bytes("BMP"), "old.bmp", "not a PNG, JPEG or WebP picture"),
        (b"%PDF-1.7 not a picture", "leaflet.png", "not a PNG, JPEG or WebP picture"),
        (image_bytes("PNG", (60, 400)), "thin.png", "only 60 by 400 pixels, too small"),
        (image_bytes("PNG", (9000, 120)), "wide.png", "9000 by 120 pixels; the most we accept"),
    ],
)
def test_refused_uploads_say_why(data, name, words):
    with pytest.raises(ValidationError) as refused:
        prepare_upload(upload(data, name))
    assert words in refused.value.messages[0]


def test_upload_over_five_megabytes_is_refused_before_it_is_read():
    big = upload(image_bytes("PNG") + b"\0" * MAX_UPLOAD_BYTES, "huge.png")
    with pytest.raises(ValidationError) as refused:
        prepare_upload(big)
    assert refused.value.code == "too_big"
    assert "the largest we accept is 5 MB" in refused.value.messages[0]


# --- The model and the database ------------------------------------------------


@pytest.mark.django_db
def test_model_clean_asks_for_alt_text_with_an_uploaded_picture():
    position = give_picture(make_position())
    position.picture_alt = "   "
    with pytest.raises(ValidationError) as refused:
        position.full_clean()
    assert (
        "Describe what the uploaded picture shows" in refused.value.message_dict["picture_alt"][0]
    )


@pytest.mark.django_db
def test_database_refuses_a_picture_without_alt_text():
    position = give_picture(make_position())
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(picture_alt="")


@pytest.mark.django_db
def test_database_refuses_an_unknown_drawing():
    position = make_position()
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(illustration="cartwheel")


@pytest.mark.django_db
def test_uploaded_picture_wins_over_the_drawing_and_neither_means_none():
    position = make_position(illustration=Illustration.SITTING)
    assert position.shown_picture.url == "/static/img/positions/sitting.svg"
    assert position.shown_picture.alt == Illustration.SITTING.label

    give_picture(position, alt="A photo of someone sitting on the mat.")
    shown = Position.objects.get(pk=position.pk).shown_picture
    assert shown.url.startswith("/media/positions/")
    assert shown.alt == "A photo of someone sitting on the mat."
    assert (shown.width, shown.height) == (400, 300)

    assert make_position("No picture", illustration="").shown_picture is None


# --- The admin form -------------------------------------------------------------


@pytest.mark.django_db
def test_editor_uploads_a_picture_and_it_is_stored_re_encoded(client, editor):
    position = make_position()
    client.force_login(editor)
    photo = upload(image_bytes("JPEG", (1600, 1200)), "mat.jpg", "image/jpeg")

    response = post_change(client, position, picture=photo, picture_alt="Lying on the mat.")

    assert response.status_code == 302
    position.refresh_from_db()
    assert position.picture.name.startswith("positions/")
    assert position.picture.name.endswith(".webp")
    assert (position.picture_width, position.picture_height) == (640, 480)
    with default_storage.open(position.picture.name) as stored:
        assert Image.open(stored).format == "WEBP"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (SVG, "drawing.svg", "SVG files cannot be uploaded here"),
        (image_bytes("GIF"), "moving.gif", "not a PNG, JPEG or WebP picture"),
    ],
)
def test_admin_refuses_a_wrong_type_with_a_friendly_message(client, editor, data, name, words):
    position = make_position()
    client.force_login(editor)
    response = post_change(client, position, picture=upload(data, name), picture_alt="A picture.")
    assert response.status_code == 200
    assert words in response.content.decode()
    position.refresh_from_db()
    assert not position.picture


@pytest.mark.django_db
def test_admin_refuses_a_picture_too_big(client, editor):
    position = make_position()
    client.force_login(editor)
    big = upload(image_bytes("PNG") + b"\0" * MAX_UPLOAD_BYTES, "huge.png")
    response = post_change(client, position, picture=big, picture_alt="A picture.")
    assert "the largest we accept is 5 MB" in response.content.decode()


@pytest.mark.django_db
def test_admin_asks_for_alt_text_with_an_upload(client, editor):
    position = make_position()
    client.force_login(editor)
    response = post_change(client, position, picture=upload(image_bytes()), picture_alt="")
    assert response.status_code == 200
    assert "Describe what the uploaded picture shows" in response.content.decode()
    position.refresh_from_db()
    assert not position.picture


@pytest.mark.django_db
def test_admin_shows_a_preview_of_the_current_picture(client, editor):
    position = make_position(illustration=Illustration.FACE_DOWN)
    client.force_login(editor)
    url = reverse("admin:mats_position_change", args=[position.pk])
    html = client.get(url).content.decode()
    assert 'src="/static/img/positions/face_down.svg"' in html
    assert f'alt="{Illustration.FACE_DOWN.label}"' in html
    assert 'accept="image/png,image/jpeg,image/webp"' in html

    give_picture(position, alt="Our own photo.")
    html = client.get(url).content.decode()
    assert f'src="{position.picture.url}"' in html
    assert 'alt="Our own photo."' in html


# --- The include ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "width", "height"), [("small", 72, 54), ("large", 240, 180)])
def test_include_renders_a_lazy_picture_with_its_size(size, width, height):
    position = make_position(illustration=Illustration.LOW_BACK_LYING)
    html = render_to_string(
        "mats/includes/position_picture.html", {"position": position, "size": size}
    )
    assert 'src="/static/img/positions/low_back_lying.svg"' in html
    assert f'alt="{Illustration.LOW_BACK_LYING.label}"' in html
    assert f'width="{width}" height="{height}"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert f'class="position-picture position-picture-{size}"' in html


@pytest.mark.django_db
def test_include_fits_a_tall_upload_inside_its_box():
    position = make_position()
    position.picture_alt = "Standing on the mat."
    position.picture.save(
        "tall.webp", prepare_upload(upload(image_bytes("PNG", (300, 600)))), save=True
    )
    html = render_to_string(
        "mats/includes/position_picture.html", {"position": position, "size": "large"}
    )
    assert 'width="120" height="240"' in html
    assert 'alt="Standing on the mat."' in html


@pytest.mark.django_db
def test_include_renders_nothing_without_a_picture():
    html = render_to_string(
        "mats/includes/position_picture.html", {"position": make_position(), "size": "large"}
    )
    assert "<img" not in html
