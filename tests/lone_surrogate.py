"""How a lone surrogate (half of a UTF-16 pair) can reach a form at all.

Browsers turn one into U+FFFD before they send a form, Django decodes bad
UTF-8 the same way, and it refuses URL-encoded forms in any other charset. It
arrives only in a multipart post that declares a charset able to spell one,
such as UTF-7, where "+2AA-" is U+D800.
"""

BOUNDARY = "lone-surrogate-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}; charset=utf-7"
TEXT = "bad\ud800text"
# What the page shows the person when it gives their text back to correct.
SHOWN_AGAIN = "bad\ufffdtext"


def multipart(fields: dict[str, str]) -> str:
    """The body of such a post; the test client encodes it in UTF-7."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = "".join(parts) + f"--{BOUNDARY}--\r\n"
    assert b"+2AA-" in body.encode("utf-7")
    return body
