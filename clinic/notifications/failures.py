"""What went wrong with a send, in words staff can read and with no address in
them. Pure: no database, no request.

An SMTP error can quote the recipient (``550 5.1.1 <pat@example.org>: no such
user``) and ``SMTPRecipientsRefused`` carries every refused address, so the
text is built from the codes and the server's words, and anything shaped like
an address is taken out.
"""

import re
import smtplib

MAX_LENGTH = 300

# Anything with an @ between two runs of address characters.
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"]+@[^\s<>()\[\],;:\"]+")


def without_addresses(text: str) -> str:
    return _ADDRESS.sub("[address]", text)


def _words(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return " ".join(raw.split())


def describe(error: BaseException) -> str:
    """``Kind: short message`` for ``error``, at most 300 characters, no addresses."""
    kind = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _text in error.recipients.values()})
        count = len(error.recipients)
        detail = f"the mail server refused {count} recipient{'s' if count != 1 else ''}"
        if codes:
            detail += f" (code {', '.join(codes)})"
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_words(error.smtp_error)}"
    elif isinstance(error, OSError) and error.strerror:
        detail = error.strerror
    else:
        detail = _words(str(error))
    text = without_addresses(f"{kind}: {detail}" if detail else kind)
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1] + "…"
    return text
