"""Send a hostile submission as a browser (or a tool) could: URL-encoded, or
as multipart declared in UTF-7, the one way a lone surrogate reaches a form
(tests/lone_surrogate.py)."""

from urllib.parse import quote, urlsplit

from django.test import Client

from tests.lone_surrogate import BOUNDARY
from tests.lone_surrogate import CONTENT_TYPE as UTF7_MULTIPART


def _pairs(data: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in data.items() for value in values]


def urlencoded(data: dict[str, list[str]]) -> str:
    return "&".join(f"{_quote(name)}={_quote(value)}" for name, value in _pairs(data))


def _quote(text: str) -> str:
    # A lone surrogate is sent as the bytes it would be in UTF-8.
    return quote(text, safe="", errors="surrogatepass")


def utf7_multipart(data: dict[str, list[str]]) -> str:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in _pairs(data)
    ]
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


def has_surrogate(data: dict[str, list[str]]) -> bool:
    return any(
        0xD800 <= ord(char) <= 0xDFFF for name, value in _pairs(data) for char in name + value
    )


def post(client: Client, action: str, data: dict[str, list[str]], *, multipart: bool):
    if multipart or has_surrogate(data):
        return client.post(action, data=utf7_multipart(data), content_type=UTF7_MULTIPART)
    return client.post(
        action, data=urlencoded(data), content_type="application/x-www-form-urlencoded"
    )


def get(client: Client, path: str, data: dict[str, list[str]]):
    return client.get(f"{urlsplit(path).path}?{urlencoded(data)}")
