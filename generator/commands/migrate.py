"""`playbook migrate`: rewrite a playbook of an older format as the current one, comments kept.

Format 1 (the first release) had no ``format`` key. Format 2 says ``format: 2`` at the top and, so
far, only adds optional fields, so a format-1 playbook becomes format 2 by saying so. The rewrite is
textual: every line the migration does not need to change stays as it was, comments included. The
result is loaded again and must hold the same data plus the new version, or nothing is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError, Problem
from ..load import load, load_text
from ..schema import FORMAT_VERSION, format_of

#: The line that states the format, as `playbook migrate` and `playbook new` write it.
FORMAT_LINE = f"format: {FORMAT_VERSION}      # the layout of this file; `playbook migrate` upgrades older ones\n"
_FORMAT_KEY = re.compile(r"format[ \t]*:")
#: Lines before the first key: comments, blank lines, a YAML directive or the document start.
_PREAMBLE = re.compile(r"[ \t]*(#.*)?(\r?\n)?$|%.*\n|---[ \t]*(#.*)?\r?\n")


@dataclass(frozen=True)
class Migrated:
    file: Path
    old: int
    new: int
    written: bool


def migrate_text(text: str) -> str:
    """``text`` (a format-1 playbook) as format 2: a ``format:`` line of its own at the top level, after
    the leading comments; an existing top-level ``format: 1`` is changed in place, its comment kept."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if _FORMAT_KEY.match(line):
            value_and_comment = line.split(":", 1)[1]
            comment = value_and_comment[value_and_comment.index("#"):] if "#" in value_and_comment else "\n"
            lines[index] = f"format: {FORMAT_VERSION}" + (f"  {comment}" if comment != "\n" else "\n")
            return "".join(lines)
    at = 0
    while at < len(lines) and _PREAMBLE.fullmatch(lines[at]):
        at += 1
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    added = [FORMAT_LINE.replace("\n", newline)]
    above = at  # comments right above the first key belong to it: the line goes above them
    while above > 0 and lines[above - 1].lstrip().startswith("#"):
        above -= 1
    if above > 0 and above < at:
        at, added = above, [*added, newline]
    return "".join([*lines[:at], *added, *lines[at:]])


def migrate(path: Path, *, write: bool = True) -> Migrated:
    """Rewrite the playbook at ``path`` in the current format, atomically; ``write=False`` only says
    whether it would.

    Raises:
        LoadError: the file cannot be read, is of a format this tool does not know, or could not be
            rewritten without changing its data.
    """
    source = load(path, str(path))
    version = format_of(source.data)
    if version is None or version > FORMAT_VERSION:
        raise LoadError([Problem(str(path), source.position(("format",)).line, 1, "format",
                                 f"format {source.data.get('format')!r} is not one this tool knows; "
                                 f"it reads formats 1 to {FORMAT_VERSION}")])
    if version == FORMAT_VERSION:
        return Migrated(path, version, version, written=False)
    text = path.read_text(encoding="utf-8-sig")
    rewritten = migrate_text(text)
    if load_text(rewritten, str(path)).data != {**source.data, "format": FORMAT_VERSION}:
        raise LoadError([Problem(str(path), 0, 0, "", "could not be rewritten without changing its data; add "
                                                       f"'format: {FORMAT_VERSION}' at the top by hand")])
    if write:
        _write_atomically(path, rewritten)
    return Migrated(path, version, FORMAT_VERSION, written=write)


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one rename, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
