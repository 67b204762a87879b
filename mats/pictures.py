"""Checking and re-encoding a picture a content editor uploads for a position.

An upload is only ever served after it went through ``prepare_upload``: the
format is read from the file itself (not its name), SVG is refused because it
can carry script, and what is stored is a fresh WebP that Pillow wrote from
the pixels alone, so no metadata (camera, place, author) survives and no page
carries a picture larger than it needs.
"""

from io import BytesIO
from pathlib import PurePosixPath
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

UPLOAD_FOLDER = "positions"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MIN_SIDE = 100
MAX_SIDE = 8000
# The library shows a picture at most 240 px wide; 640 covers a 2.5x screen.
STORED_LONGEST_SIDE = 640
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
STORED_FORMAT = "WEBP"
STORED_CONTENT_TYPE = "image/webp"
STORED_QUALITY = 80

WRONG_TYPE = (
    "This file is not a PNG, JPEG or WebP picture. Save it in one of those formats "
    "and upload it again."
)
SVG_REFUSED = (
    "SVG files cannot be uploaded here, because they can carry code that would run "
    "in people's browsers. Save the picture as a PNG, JPEG or WebP and upload that instead."
)


# The square box each size a position's picture is shown at fits in, in CSS pixels.
BOXES = {"small": 72, "large": 240}


def picture_for(position, size: str) -> dict | None:
    """What a page shows of ``position``'s picture at ``size`` ("small" beside a
    session's facts, "large" in the library): the picture's address, text
    alternative, and width and height fitted to the size's box; ``None``
    with no position or no picture."""
    picture = position.shown_picture if position else None
    if picture is None:
        return None
    width, height = picture.fitted(BOXES[size])
    return {"url": picture.url, "alt": picture.alt, "width": width, "height": height}


def upload_name(instance, filename: str) -> str:
    """A new, unguessable name for every upload, so a stored picture never
    changes under its address and can be cached for a long time."""
    suffix = PurePosixPath(filename).suffix.lower() or ".webp"
    return f"{UPLOAD_FOLDER}/{uuid4().hex}{suffix}"


def _looks_like_svg(head: bytes, name: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return name.lower().endswith((".svg", ".svgz")) or text.startswith((b"<?xml", b"<svg", b"<!"))


def prepare_upload(upload) -> ContentFile:
    """The picture to store for ``upload``, or a ``ValidationError`` whose
    message says what to do instead."""
    size = upload.size
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This picture is {size / 1024 / 1024:.1f} MB; the largest we accept is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Save a smaller copy (640 pixels wide is "
            "plenty) and upload that.",
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if _looks_like_svg(head, getattr(upload, "name", "") or ""):
        raise ValidationError(SVG_REFUSED, code="svg")
    try:
        # Opening reads only the header: the size is checked before any pixels
        # are decoded, so a small file that claims huge dimensions costs nothing.
        image = Image.open(upload)
        image_format = image.format
        width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(WRONG_TYPE, code="wrong_type") from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            f"This picture is {width} by {height} pixels; the most we accept is {MAX_SIDE} "
            "pixels on each side. Save a smaller copy and upload that.",
            code="too_large_dimensions",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            f"This picture is only {width} by {height} pixels, too small to show clearly. "
            f"Upload one at least {MIN_SIDE} pixels on each side.",
            code="too_small_dimensions",
        )
    try:
        return ContentFile(_reencode(image), name="picture.webp")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This picture could not be read; the file may be damaged. Open it, save it "
            "again as a PNG, JPEG or WebP, and upload the new copy.",
            code="unreadable",
        ) from None


def _reencode(image: Image.Image) -> bytes:
    image.seek(0)  # the first frame of an animation
    # Phones record which way up a photo is in its metadata, which is about to go.
    upright = ImageOps.exif_transpose(image)
    pixels = upright.convert("RGBA" if _has_transparency(upright) else "RGB")
    pixels.thumbnail((STORED_LONGEST_SIDE, STORED_LONGEST_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = BytesIO()
    clean.save(out, STORED_FORMAT, quality=STORED_QUALITY, method=6)
    return out.getvalue()


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
