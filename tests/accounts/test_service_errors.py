"""Services refuse with a stable code; every code raised has a sentence."""

import ast
from pathlib import Path

import pytest

from accounts.errors import ServiceError, known_codes, register, sentence

ROOT = Path(__file__).resolve().parents[2]


def _raised_codes() -> set[str]:
    """Every literal code passed to a ServiceError (or a subclass) in the code."""
    codes = set()
    for path in [
        *ROOT.glob("clinic/**/*.py"),
        *ROOT.glob("accounts/*.py"),
        *ROOT.glob("mats/*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id.endswith(("Error", "Refused"))
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and "." in node.args[0].value
                and " " not in node.args[0].value
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_code_a_service_raises_has_a_sentence():
    missing = _raised_codes() - known_codes()
    assert not missing, f"codes without a sentence: {sorted(missing)}"


def test_a_sentence_takes_the_errors_values():
    register({"test.too_long": "Keep it under {limit} words."})
    assert sentence(ServiceError("test.too_long", limit=3)) == "Keep it under 3 words."


def test_a_code_cannot_be_registered_twice():
    register({"test.twice": "Once."})
    with pytest.raises(ValueError, match=r"test\.twice"):
        register({"test.twice": "Twice."})
