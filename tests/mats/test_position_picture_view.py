"""mats: position_picture serves a stored upload through the storage API, and
only what a position shows, to whom may see it."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from tests.mats.factories import give_picture, make_position


def picture_url(position) -> str:
    return reverse("position-picture", args=[position.picture.name.removeprefix("positions/")])


@pytest.fixture
def pictured(db):
    return give_picture(make_position())


def test_reader_gets_the_picture_with_its_type_and_a_long_private_cache(pat_client, pictured):
    with default_storage.open(pictured.picture.name) as stored:
        expected = stored.read()
    assert expected.startswith(b"RIFF")
    response = pat_client.get(picture_url(pictured))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == expected


def test_the_address_pages_use_is_the_view(pictured):
    assert pictured.picture.url == picture_url(pictured)


def test_visitor_is_sent_to_sign_in(client, pictured):
    response = client.get(picture_url(pictured))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_an_unpublished_positions_picture_and_readers_do_not(
    staff_client, alice_client, pictured
):
    pictured.is_published = False
    pictured.save()
    assert staff_client.get(picture_url(pictured)).status_code == 200
    assert alice_client.get(picture_url(pictured)).status_code == 404


def test_missing_picture_is_404(pat_client, db):
    missing = reverse("position-picture", args=["0" * 32 + ".webp"])
    assert pat_client.get(missing).status_code == 404


def test_file_in_storage_that_no_position_shows_is_404(pat_client, pictured):
    # An earlier upload an editor replaced, or anything else in the folder.
    name = default_storage.save("positions/" + "a" * 32 + ".webp", ContentFile(b"old"))
    url = reverse("position-picture", args=[name.removeprefix("positions/")])
    assert pat_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["secrets.txt", "..%2Fdb.sqlite3", "ABC.webp", "a" * 32 + ".svg", "a" * 32 + ".html"]
)
def test_other_names_are_404(pat_client, db, name):
    assert pat_client.get(f"/media/positions/{name}").status_code == 404


def test_file_gone_from_storage_is_404(pat_client, pictured):
    default_storage.delete(pictured.picture.name)
    assert pat_client.get(picture_url(pictured)).status_code == 404


def test_pictures_on_disk_are_stored_under_media_root_and_served(pat_client, db, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        pictured = give_picture(make_position())
        on_disk = tmp_path / pictured.picture.name
        assert on_disk.is_file()
        response = pat_client.get(pictured.picture.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == on_disk.read_bytes()
