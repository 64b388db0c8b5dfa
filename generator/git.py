"""Git plumbing: every call the generator makes to git, in one place.

Each helper returns None (or an empty answer) when git is missing, the folder is not a checkout,
or the revision is unknown; callers decide what that means for them.

Nothing from a user or a repository reaches git as an option: a revision, branch or tag name is
checked first (:func:`is_safe_name`) and passed after ``--end-of-options``, and a file is read
through the commit id git resolved, never through the name. A tag called ``--output=/path`` in a
cloned repository, or ``playbook diff -- --output=x HEAD``, is an unknown revision, not an option.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

#: Longest output read from one git command; more is cut off (and the caller sees a truncated answer).
OUTPUT_LIMIT = 64 * 1024 * 1024
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def git_output(cwd: Path, *args: str, limit: int = OUTPUT_LIMIT) -> bytes | None:
    """A git command's output (at most ``limit`` + 1 bytes: a caller can tell it was longer),
    or None (no git, not a checkout, unknown revision)."""
    try:
        with subprocess.Popen(["git", *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) as process:
            assert process.stdout is not None
            output = process.stdout.read(limit + 1)
            if len(output) > limit:
                process.kill()
                return output
            process.wait(timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return output if process.returncode == 0 else None


def is_safe_name(name: str) -> bool:
    """A revision, branch, tag or remote name git cannot take for an option, nor for several arguments."""
    return bool(name) and not name.startswith("-") and not re.search(r"[\x00-\x20\x7f]", name)


def is_branch_name(directory: Path, name: str) -> bool:
    """True when ``name`` is a valid branch name (``git check-ref-format --branch``)."""
    return is_safe_name(name) and git_output(directory, "check-ref-format", "--branch", name) is not None


def commit_of(directory: Path, revision: str) -> str | None:
    """The full commit id ``revision`` names in the checkout ``directory`` is in, or None."""
    if not is_safe_name(revision):
        return None
    out = git_output(directory, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    commit = (out or b"").decode("ascii", "replace").strip()
    return commit if _COMMIT.fullmatch(commit) else None


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


def file_at_revision(revision: str, file: Path, limit: int = OUTPUT_LIMIT) -> bytes | None:
    """The bytes of ``file`` as they were at ``revision`` of the checkout it is in, or None when
    that is not a revision or the file is not in it. At most ``limit`` + 1 bytes are read."""
    commit = commit_of(file.parent, revision)
    if commit is None:
        return None
    prefix = (git_output(file.parent, "rev-parse", "--show-prefix") or b"").decode().strip()
    blob = f"{commit}:{prefix}{file.name}"
    if (git_output(file.parent, "cat-file", "-t", "--end-of-options", blob) or b"").strip() != b"blob":
        return None  # no such file, or a folder
    return git_output(file.parent, "cat-file", "blob", "--end-of-options", blob, limit=limit)


def recent_tags(directory: Path, limit: int) -> list[str]:
    """The ``limit`` most recently created tags of the checkout ``directory`` is in, newest first;
    tags whose names git could take for options are left out."""
    tags = (git_output(directory, "tag", "--list", "--sort=-creatordate") or b"").decode(errors="replace").split()
    return [tag for tag in tags if is_safe_name(tag)][:limit]


def branch_archive(directory: Path, branch: str, target: Path) -> bool:
    """Write the files of ``branch`` into ``target`` as a tar archive; False when there is no such branch."""
    commit = commit_of(directory, branch)
    return commit is not None and git_output(
        directory, "archive", "--format=tar", f"--output={target}", "--end-of-options", commit) is not None
