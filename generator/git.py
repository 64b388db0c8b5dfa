"""Git plumbing: every call the generator makes to git, in one place.

Each helper returns None (or an empty answer) when git is missing, the folder is not a checkout,
or the revision is unknown; callers decide what that means for them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_output(cwd: Path, *args: str) -> bytes | None:
    """A git command's output, or None (no git, not a checkout, unknown revision)."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit(directory: Path) -> str | None:
    """The short commit of the checkout ``directory`` is in (marked when files differ from it), or None."""
    head = git_output(directory, "rev-parse", "--short=10", "HEAD")
    if head is None:
        return None
    changed = git_output(directory, "status", "--porcelain", "--untracked-files=no") or b""
    return head.decode().strip() + (" with uncommitted changes" if changed.strip() else "")


def is_checkout(directory: Path) -> bool:
    """True when ``directory`` is inside a git work tree."""
    return (git_output(directory, "rev-parse", "--is-inside-work-tree") or b"").strip() == b"true"


def file_at_revision(revision: str, file: Path) -> bytes | None:
    """The bytes of ``file`` as they were at ``revision`` of the checkout it is in, or None."""
    prefix = (git_output(file.parent, "rev-parse", "--show-prefix") or b"").decode().strip()
    return git_output(file.parent, "show", f"{revision}:{prefix}{file.name}")


def recent_tags(directory: Path, limit: int) -> list[str]:
    """The ``limit`` most recently created tags of the checkout ``directory`` is in, newest first."""
    return (git_output(directory, "tag", "--list", "--sort=-creatordate") or b"").decode().split()[:limit]
