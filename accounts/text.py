"""What free text the database can keep. Pure: no database, no request.

PostgreSQL refuses the NUL character in text, and no database can store half
of a UTF-16 surrogate pair (a "lone surrogate"), which some keyboards and
broken clients send. Forms and models refuse both with a message a person
can act on, so that such text is a form error and never a server error.
"""

import re

from django.core.exceptions import ValidationError

_SURROGATE = re.compile("[\ud800-\udfff]")


def validate_storable_text(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(
            "This contains an invisible control character that cannot be saved. "
            "Please type the text again instead of pasting it.",
            code="null_characters_not_allowed",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            "This contains a character that cannot be saved (part of an emoji or "
            "symbol that got cut off). Please remove it or type the text again.",
            code="unstorable_character",
        ) from None


def displayable(value: str) -> str:
    """Text refused above, made safe to show again in a UTF-8 page.

    A lone surrogate cannot be encoded in the answer either, so a form that
    shows the person their text to correct shows U+FFFD in its place.
    """
    return _SURROGATE.sub("\ufffd", value)


def is_encodable(text: str) -> bool:
    """False for text holding half of a surrogate pair: it can be neither
    stored, hashed nor written into a page."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
