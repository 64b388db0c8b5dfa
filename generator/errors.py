"""The one exception hierarchy of the generator.

Library code raises these; only the CLI turns them into text and exit codes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

#: A notice names trusted code for a reviewer (see trust.py); unlike a warning, --strict does not fail on it.
Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a playbook, pinned to a place in a file.

    ``line`` and ``column`` are 1-based; 0 means the problem concerns the whole
    file (its size, its encoding) rather than a spot in it.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"
    #: What to do about it, or what was meant ("known: a, b", "did you mean 'x'?"); kept apart from
    #: ``message`` so machine-readable reports can carry it in its own field.
    hint: str = ""

    @property
    def text(self) -> str:
        """The message with its hint, as a person reads it."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        path = f" {self.path}:" if self.path else ""
        kind = f" {self.severity}:" if self.severity != "error" else ""
        return f"{where}:{path}{kind} {self.text}"


#: At most this many problems are printed (the first by line); the rest are counted by kind.
SHOWN_PROBLEMS = 200


def kind_of(problem: Problem) -> str:
    """The kind of a problem: its message with the quoted names and the numbers left out
    ("unknown contact '…'"), so thousands of one mistake are counted as one kind."""
    return re.sub(r"\d[\d,]*", "N", re.sub(r"'[^']*'", "'…'", problem.message))


@dataclass(frozen=True)
class Shown:
    """The problems to print, and what is left out: how many, and how many of each kind."""

    problems: list[Problem]
    more: int
    more_by_kind: dict[str, int]

    @property
    def summary(self) -> str:
        """``… and 5,000 more problems of these kinds: unknown key '…' (5,000)``, or nothing."""
        if not self.more:
            return ""
        kinds = ", ".join(f"{kind} ({count:,})" for kind, count in self.more_by_kind.items())
        return f"… and {self.more:,} more problem{'' if self.more == 1 else 's'} of these kinds: {kinds}"


def shown(problems: list[Problem], limit: int | None = None) -> Shown:
    """The first ``limit`` (default :data:`SHOWN_PROBLEMS`) of ``problems``, in their order, and a
    count per kind of the rest."""
    limit = SHOWN_PROBLEMS if limit is None else limit
    rest = Counter(kind_of(p) for p in problems[limit:])
    return Shown(problems[:limit], len(problems) - min(limit, len(problems)), dict(rest.most_common()))


class PlaybookError(Exception):
    """Root of every error the generator raises on purpose."""


class ProblemsError(PlaybookError):
    """Input that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path))
        printed = shown(self.problems)
        super().__init__("\n".join([str(p) for p in printed.problems] + ([printed.summary] if printed.more else [])))


class LoadError(ProblemsError):
    """The file could not be read as a plain YAML mapping."""


class ValidationError(ProblemsError):
    """The file is YAML, but not a valid playbook (errors, or warnings under --strict)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class RenderError(PlaybookError):
    """A page template failed; names the template, its line and the page being rendered."""


class BuildError(PlaybookError):
    """MkDocs could not build the site."""


class PdfError(PlaybookError):
    """Chromium is missing or could not print."""


class PublishError(PlaybookError):
    """mike or git could not publish."""


class ScaffoldError(PlaybookError):
    """The new playbook cannot be written there."""


def excerpt(text: str, limit: int = 60) -> str:
    """A short, quoted excerpt of text from outside (a name, a value, a line of a file that may not be
    YAML at all), safe to print: control characters escaped, at most ``limit`` characters shown."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    escaped = "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in shown)
    return f"'{escaped}'"


def system_error_text(exc: OSError) -> str:
    """One line for a condition of the machine (``site: cannot write: No space left on device``)."""
    where = exc.filename if exc.filename is not None else "the build"
    return f"{where}: cannot read or write: {exc.strerror or exc}"


class SignError(PlaybookError):
    """A signing or public key cannot be used, or ssh-keygen could not sign."""


class VerifyError(PlaybookError):
    """A copy is not signed, is signed with another key, or changed since it was signed."""

    def __init__(self, target: object, problems: list[str]) -> None:
        self.target, self.problems = target, problems
        if len(problems) == 1:
            text = f"{problems[0]}; not verified: do not trust this copy"
        else:
            text = "\n".join([*problems, f"{target}: not verified ({len(problems)} problems): do not trust this copy"])
        super().__init__(text)


class ExerciseError(PlaybookError):
    """An exercise cannot be made (an unknown scenario), or an exercise log cannot be read."""
