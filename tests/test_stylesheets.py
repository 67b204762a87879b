"""The site's own stylesheets parse: a brace missing after a merge makes the
browser drop every rule that follows, silently (that happened once, and only
browser tests far away from the cause noticed)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN_STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))


def _without_comments_and_strings(css: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.sub(r"\"[^\"\n]*\"|'[^'\n]*'", '""', css)


@pytest.mark.parametrize("path", OWN_STYLESHEETS, ids=lambda path: path.name)
def test_every_brace_is_closed_and_none_closes_twice(path):
    depth, line = 0, 1
    for character in _without_comments_and_strings(path.read_text()):
        line += character == "\n"
        depth += (character == "{") - (character == "}")
        assert depth >= 0, f"{path.name}: a '}}' with nothing to close near line {line}"
    assert depth == 0, f"{path.name}: {depth} block(s) left open at the end"


def test_there_are_stylesheets_to_check():
    assert [path.name for path in OWN_STYLESHEETS] == ["app.css"]
