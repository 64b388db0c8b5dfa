"""The packaged catalogue of notification regimes (``regimes.yml``), as plain data.

A regulator in ``playbook.yml`` may name a regime by id; the regime then supplies its stages,
law and required content. The typed entries are built by :func:`generator.model.catalogue`; this
module imports nothing of the generator, so the model can read it without an import cycle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).parent / "regimes.yml"


@cache
def catalogue_data() -> list[dict[str, Any]]:
    """The catalogue as plain data (read once; callers must not change it).

    It ships with the package, so it is read with PyYAML's (C) safe loader rather than the slower
    loader built for untrusted playbooks; the test suite checks it through that loader and the
    schema (``test_catalogue_entries_are_complete_and_cited``).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries: list[dict[str, Any]] = yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=loader)["regimes"]
    return entries
