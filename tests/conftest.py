"""Shared helpers: the small fixture playbook and one-line ways to validate edits of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.load import load_text
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal" / "playbook.yml"
EXAMPLE = ROOT / "playbook.yml"
#: The day the fixtures are checked on; the fixture's review date and contacts are current then.
TODAY = dt.date(2026, 6, 1)


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` (which must occur exactly ``count`` times) with ``new``."""
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times, expected {count}"
    return text.replace(old, new)


def problems(text: str, today: dt.date = TODAY) -> list[str]:
    """Every problem of a playbook given as text, as the CLI prints them."""
    return [str(p) for p in validate(load_text(text, "playbook.yml"), today=today)]


@pytest.fixture
def minimal() -> str:
    return MINIMAL.read_text(encoding="utf-8")
