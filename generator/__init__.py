"""Turn a crisis-communication playbook (``playbook.yml``) into an offline MkDocs site.

The pipeline runs one way: :mod:`~generator.load` → :mod:`~generator.validate` →
:mod:`~generator.model`. :func:`open_playbook` runs the whole of it.
"""

from __future__ import annotations

import datetime as dt
import gc
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LoadError, PlaybookError, Problem, ValidationError
from .load import Source, load
from .private import PRIVATE_FILE, PrivateFile, merge_private, private_file
from .validate import validate

if TYPE_CHECKING:
    from .model import Playbook

__version__ = "0.1.0"

# Time zones come from the tzdata package this tool pins, never from the machine's zoneinfo folder,
# which Python would search first: a machine's copy may be years old (Debian 12 ships IANA 2025b,
# which does not have British Columbia's permanent daylight time from November 2026), so the same
# deadline would come out an hour apart on two laptops, and apart from the browser clock's.
zoneinfo.reset_tzpath(to=())
zoneinfo.ZoneInfo.clear_cache()

__all__ = [
    "PRIVATE_FILE",
    "LoadError",
    "Opened",
    "PlaybookError",
    "PrivateFile",
    "Problem",
    "ValidationError",
    "__version__",
    "check",
    "open_playbook",
]


@contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Opening a playbook makes many small values, and the cyclic collector walked them every few hundred made,
    to free only the error trees cerberus makes (and drops) for each mapping and list it checks: 3% of `playbook
    validate` at 1x, 30% of opening a playbook 16 times the example (1.06-1.18 against 0.75-0.77 s of CPU). Off
    while a playbook is checked and opened, back as it was after: the next collection frees those few MB."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Opened:
    """A valid playbook, and the readiness warnings it still has."""

    playbook: Playbook
    warnings: list[Problem]


def _checked(path: str | Path, today: dt.date | None, display_name: str | None,
             private: PrivateFile) -> tuple[Source, list[tuple[str, Source]], list[Problem]]:
    """Load the playbook, merge the private file when there is one, load its translation files; every
    problem of them all."""
    loaded = Loaded.of(path, display_name, private)
    return loaded.source, loaded.translations, loaded.problems(today)


@dataclass(frozen=True)
class Loaded:
    """A playbook read (its private file merged, its translation files read), not yet checked. Checking
    (:meth:`problems`) reads it and changes nothing, so a model can be made of it meanwhile (:meth:`model`):
    `playbook build`'s worker does both at once, and uses the model only once the check has passed (ahead.py)."""

    source: Source
    merged: list[Problem]  #: the private file's own problems
    translations: list[tuple[str, Source]]
    missing: list[Problem]  #: translation files the playbook names that cannot be found

    @classmethod
    def of(cls, path: str | Path, display_name: str | None, private: PrivateFile) -> Loaded:
        """Raises:
            LoadError: a file cannot be read as plain YAML.
        """
        from .translations import load_translations

        source = load(path, display_name)
        found = private_file(path, private)
        merged = merge_private(source, found) if found is not None else []
        translations, missing = load_translations(path, source)
        return cls(source, merged, translations, missing)

    def problems(self, today: dt.date | None) -> list[Problem]:
        """Every problem of the playbook, its private file and its translation files."""
        from .translations import check_translation, site_language_problems

        problems = self.merged + validate(self.source, today=today or dt.date.today())
        problems += self.missing + site_language_problems(self.source)
        for language, translation in self.translations:
            problems += check_translation(self.source, translation, language)
        return problems

    def model(self) -> Playbook:
        """The model of the playbook and its translations: for a playbook whose problems have no error."""
        from .model import build_model
        from .translations import read_translation

        playbook = build_model(self.source.data)
        return replace(playbook, translations=tuple(read_translation(self.source, translation, language)
                                                    for language, translation in self.translations))


def accepted(problems: list[Problem], strict: bool) -> list[Problem]:
    """The warnings a playbook with ``problems`` is opened with.

    Raises:
        ValidationError: it has errors (or, ``strict``, warnings).
    """
    warnings = [p for p in problems if p.severity == "warning"]  # not notices: an accepted exception, say
    if any(p.severity == "error" for p in problems) or (strict and warnings):
        raise ValidationError([p for p in problems if p.severity != "notice"])  # what failed, not what passed
    return warnings


def check(path: str | Path, *, today: dt.date | None = None, display_name: str | None = None,
          private: PrivateFile = None) -> list[Problem]:
    """Every problem in the playbook at ``path`` (and its private file and translation files), errors and
    warnings.

    ``private`` is the private contacts file; by default ``contacts.private.yml`` beside the playbook,
    used when it exists.

    Raises:
        LoadError: a file cannot be read as plain YAML.
    """
    return _checked(path, today, display_name, private)[2]


def open_playbook(path: str | Path, *, strict: bool = False, today: dt.date | None = None,
                  display_name: str | None = None, private: PrivateFile = None) -> Opened:
    """Load, validate and model the playbook at ``path``, with its private file when there is one.

    Raises:
        LoadError: a file cannot be read as plain YAML.
        ValidationError: the playbook has errors (or, with ``strict``, warnings).
    """
    with cycles_collected_after():
        loaded = Loaded.of(path, display_name, private)
        warnings = accepted(loaded.problems(today), strict)
        playbook = loaded.model()
    return Opened(playbook, warnings)
