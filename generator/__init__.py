"""Turn a crisis-communication playbook (``playbook.yml``) into an offline MkDocs site.

The pipeline runs one way: :mod:`~generator.load` → :mod:`~generator.validate` →
:mod:`~generator.model`. :func:`open_playbook` runs the whole of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import LoadError, PlaybookError, Problem, ValidationError
from .load import Source, load
from .validate import validate, validate_private

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


#: Private contact details kept out of the repository, looked for beside the playbook.
PRIVATE_FILE = "contacts.private.yml"


#: Where the private contacts file is: None for contacts.private.yml beside the playbook (used when
#: it exists), a path for that file (which must exist), False for none at all.
PrivateFile = str | Path | None | Literal[False]


def _checked(path: str | Path, today: dt.date | None, display_name: str | None,
             private: PrivateFile) -> tuple[Source, list[Problem]]:
    """Load the playbook and, when there is one, the private file; merge them; every problem of both."""
    source = load(path, display_name)
    private_path = Path(path).parent / PRIVATE_FILE if private is None else Path(private or ".")
    problems: list[Problem] = []
    if private not in (None, False) and not private_path.is_file():
        raise LoadError([Problem(str(private_path), 0, 0, "", "no such file")])
    if private is not False and private_path.is_file():
        private_source = load(private_path, str(private_path) if private is not None else PRIVATE_FILE)
        contacts = [c for c in source.data.get("contacts") or [] if isinstance(c, dict)]
        problems = validate_private(private_source, {c["id"] for c in contacts if isinstance(c.get("id"), str)})
        if not problems:
            for contact in contacts:
                ident = contact.get("id")
                extra = private_source.data["contacts"].get(ident, {}) if isinstance(ident, str) else {}
                if isinstance(contact.get("channels"), list):
                    contact["channels"] += [{**channel, "private": True} for channel in extra.get("channels", [])]
    problems += validate(source, today=today or dt.date.today())
    return source, problems


def check(path: str | Path, *, today: dt.date | None = None, display_name: str | None = None,
          private: PrivateFile = None) -> list[Problem]:
    """Every problem in the playbook at ``path`` (and its private file), errors and warnings.

    ``private`` is the private contacts file; by default ``contacts.private.yml`` beside the playbook,
    used when it exists.

    Raises:
        LoadError: a file cannot be read as plain YAML.
    """
    return _checked(path, today, display_name, private)[1]


def open_playbook(path: str | Path, *, strict: bool = False, today: dt.date | None = None,
                  display_name: str | None = None, private: PrivateFile = None) -> Opened:
    """Load, validate and model the playbook at ``path``, with its private file when there is one.

    Raises:
        LoadError: a file cannot be read as plain YAML.
        ValidationError: the playbook has errors (or, with ``strict``, warnings).
    """
    from .model import build_model  # not needed on the `playbook validate` path

    source, problems = _checked(path, today, display_name, private)
    if any(p.severity == "error" for p in problems) or (strict and problems):
        raise ValidationError(problems)
    return Opened(build_model(source.data), problems)
