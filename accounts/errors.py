"""Refusals from services, each with a stable code.

A service that will not do what it was asked raises a ``ServiceError`` (or
an app's subclass of it) with a code such as ``plan.blocked_by_contraindication``
and the values the sentence needs. The service says nothing a person reads:
views turn the code into words with ``sentence()``, from the sentences each
app registers in its ``messages.py``. That keeps the words in one place per
app, ready for translation, and gives an API something stable to return.
"""

from collections.abc import Mapping

_SENTENCES: dict[str, str] = {}


def register(sentences: Mapping[str, str]) -> None:
    """Add an app's sentences; a code may be registered only once."""
    clash = _SENTENCES.keys() & sentences.keys()
    if clash:
        raise ValueError(f"Error codes registered twice: {sorted(clash)}")
    _SENTENCES.update(sentences)


def known_codes() -> frozenset[str]:
    return frozenset(_SENTENCES)


class ServiceError(Exception):
    """A rule a service would not break.

    ``field`` names the form field the refusal is about, or None for the
    form as a whole; ``params`` fill the sentence's ``{placeholders}``.
    """

    def __init__(self, code: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, field={self.field!r}, **{self.params!r})"


def sentence(error: ServiceError) -> str:
    """The words a person reads for ``error``."""
    return _SENTENCES[error.code].format(**error.params)


class Refusals(Exception):
    """Several refusals at once, such as one for each field of a form."""

    def __init__(self, errors: list[ServiceError]) -> None:
        super().__init__(", ".join(error.code for error in errors))
        self.errors = errors
