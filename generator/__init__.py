"""Turn a crisis-communication playbook (``playbook.yml``) into an offline MkDocs site.

The pipeline runs one way: :mod:`~generator.load` → :mod:`~generator.validate` →
:mod:`~generator.model`. :func:`open_playbook` runs the whole of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LoadError, PlaybookError, Problem, ValidationError
from .load import load
from .validate import validate

if TYPE_CHECKING:
    from .model import Playbook

__version__ = "0.1.0"

__all__ = [
    "LoadError",
    "Opened",
    "PlaybookError",
    "Problem",
    "ValidationError",
    "__version__",
    "check",
    "open_playbook",
]


@dataclass(frozen=True)
class Opened:
    """A valid playbook, and the readiness warnings it still has."""

    playbook: Playbook
    warnings: list[Problem]


def check(path: str | Path, *, today: dt.date | None = None, display_name: str | None = None) -> list[Problem]:
    """Every problem in the playbook at ``path``, errors and warnings.

    Raises:
        LoadError: the file cannot be read as plain YAML.
    """
    source = load(path, display_name)
    return validate(source, today=today or dt.date.today())


def open_playbook(path: str | Path, *, strict: bool = False, today: dt.date | None = None,
                  display_name: str | None = None) -> Opened:
    """Load, validate and model the playbook at ``path``.

    Raises:
        LoadError: the file cannot be read as plain YAML.
        ValidationError: the playbook has errors (or, with ``strict``, warnings).
    """
    from .model import build_model

    source = load(path, display_name)
    problems = validate(source, today=today or dt.date.today())
    if any(p.severity == "error" for p in problems) or (strict and problems):
        raise ValidationError(problems)
    return Opened(build_model(source.data), problems)
