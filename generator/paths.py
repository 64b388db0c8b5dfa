"""Where a build may read and write: inside the project, through no link, into outputs that are its own.

The project is the folder of ``mkdocs.yml``. What a build reads (``docs_dir``, the playbook, the
templates) and writes (``site_dir``, ``dist/``, a PDF) must resolve inside it, and an output
folder must not be a link (a committed ``dist`` link would send bundles anywhere). A build replaces
``site_dir`` whole, so it replaces only a folder it made itself: one holding :data:`MARKER`, or an
empty one.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import BuildError

#: Written into every site ``playbook build`` makes; a folder without it is not replaced.
MARKER = ".playbook-site"
MARKER_TEXT = "Made by `playbook build`, which replaces this folder on every build.\n"


def setting_line(config_file: Path, key: str) -> str:
    """``mkdocs.yml:4`` where ``key`` is set at the top level of the configuration, else ``mkdocs.yml``."""
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    line = next((number for number, text in enumerate(lines, 1) if pattern.match(text)), 0)
    return f"{config_file}:{line}" if line else str(config_file)


def outside(path: Path, project: Path) -> str | None:
    """Why ``path`` leads out of ``project`` (a link somewhere on the way, or ``..``), or None."""
    resolved = path.resolve()
    if resolved.is_relative_to(project.resolve()):
        return None
    link = next((p for p in [path, *path.parents] if p.is_symlink()), None)
    if link is not None and path.absolute().is_relative_to(project.absolute()):
        return f"is a link to {resolved}, outside the project"
    return f"is outside the project ({resolved})"


def check_output_folder(folder: Path, project: Path, where: str, what: str) -> None:
    """An output folder must be inside the project and not a link.

    Raises:
        BuildError: naming ``where`` (file and line of the setting, or the option) and why.
    """
    reason = outside(folder, project)
    if reason is None and folder.is_symlink():
        reason = f"is a link to {folder.resolve()}; an output folder must be a plain folder"
    if reason:
        raise BuildError(f"{where}: {what} '{folder}' {reason}; outputs stay inside the project")


def check_site_folder(site: Path, project: Path, where: str) -> None:
    """``site_dir`` is replaced whole on every build: only inside the project, and only one this tool made.

    Raises:
        BuildError: outside the project, a link, a file, or a folder with files and no marker.
    """
    check_output_folder(site, project, where, "site_dir")
    if site.exists() and not site.is_dir():
        raise BuildError(f"{where}: site_dir '{site}' is a file; a build replaces it with a folder, "
                         "so name a folder (e.g. site)")
    if site.is_dir() and not (site / MARKER).is_file() and any(site.iterdir()):
        raise BuildError(f"{where}: site_dir '{site}' holds files that `playbook build` did not make, and a build "
                         "replaces the whole folder; move them away or name another folder")


def check_output_file(target: Path, project: Path, option: str, magic: bytes) -> None:
    """A file the tool writes on request (a PDF): inside the project, not a link, and replacing only a
    file of its own kind (one that starts with ``magic``).

    Raises:
        BuildError: naming the option and why.
    """
    reason = outside(target, project)
    if reason is None and (target.is_symlink() or target.parent.is_symlink()):
        reason = "is a link, or in a folder that is one"
    if reason is None and target.exists():
        if not target.is_file():
            reason = "exists and is not a file"
        else:
            with target.open("rb") as existing:
                if existing.read(len(magic)) != magic:
                    reason = "exists and was not written by this tool"
    if reason:
        raise BuildError(f"{option}: '{target}' {reason}; outputs stay inside the project")
