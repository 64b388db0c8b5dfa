"""The packaged catalogue of notification regimes (``regimes.yml``), as typed entries.

A regulator in ``playbook.yml`` may name a regime by id; the regime then supplies its stages,
law and required content. The catalogue is read through the same safe loader as playbooks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .model import Regime, calendar_from_data, stage_from_data

CATALOGUE = Path(__file__).parent / "regimes.yml"


def regime_from_data(data: dict[str, Any]) -> Regime:
    return Regime(
        id=data["id"], name=data["name"], jurisdiction=data["jurisdiction"], applies_to=data["applies_to"],
        notify=data["notify"], stages=tuple(stage_from_data(s) for s in data["stages"]),
        required_content=tuple(data["required_content"]), citation=data["citation"],
        source_url=data["source_url"], last_reviewed=data["last_reviewed"],
        in_force=data.get("in_force", True), verified=data.get("verified", True),
        calendar=calendar_from_data(data.get("calendar")), caveats=tuple(data.get("caveats", [])),
    )


def catalogue_data() -> list[dict[str, Any]]:
    """The catalogue as plain data.

    It ships with the package, so it is read with PyYAML's (C) safe loader rather than the slower
    loader built for untrusted playbooks; the test suite checks it through that loader and the
    schema (``test_catalogue_entries_are_complete_and_cited``).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries: list[dict[str, Any]] = yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=loader)["regimes"]
    return entries


@cache
def catalogue() -> dict[str, Regime]:
    """Every regime by id."""
    return {entry["id"]: regime_from_data(entry) for entry in catalogue_data()}
