"""`playbook new`: a new organisation's playbook repository that validates and builds at once."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from string import Template

import yaml

from ..errors import ScaffoldError

SCAFFOLD = Path(__file__).parents[1] / "scaffold"
CI = Path(__file__).parents[1] / "ci"
#: The CI templates' settings that say where CI installs the tool from (README, "CI").
PIN_KEYS = ("PLAYBOOK_TOOL_REPOSITORY", "PLAYBOOK_TOOL_TAG", "PLAYBOOK_TOOL_COMMIT")


def tool_pin() -> dict[str, str]:
    """Where this installation of the tool came from, for the CI templates: its release tag and, when pip
    installed it from git, the repository and commit (pip's record of a direct URL install, PEP 610)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from .. import __version__

    pin = {"PLAYBOOK_TOOL_TAG": f"v{__version__}"}
    try:
        record = json.loads(distribution("crisis-playbook").read_text("direct_url.json") or "{}")
    except (PackageNotFoundError, ValueError):
        return pin
    vcs = record.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str) and isinstance(record.get("url"), str):
        pin |= {"PLAYBOOK_TOOL_REPOSITORY": record["url"], "PLAYBOOK_TOOL_COMMIT": vcs["commit_id"]}
    return pin


def pin_ci(template: str, pin: dict[str, str]) -> str:
    """The CI template with its tool settings (``PLAYBOOK_TOOL_…: value`` lines) set from ``pin``."""
    for key, value in pin.items():
        setting = re.compile(rf"^(\s*{key}:).*$", flags=re.MULTILINE)
        template = setting.sub(lambda line: f"{line.group(1)} {json.dumps(value)}", template, count=1)  # noqa: B023
    return template


def yaml_scalar(value: str) -> str:
    """``value`` as a double-quoted YAML scalar, written by the YAML library."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def _check_scaffold(text: str, today: dt.date) -> None:
    """The new playbook must validate strictly; a name the format refuses is said before anything is written.

    Raises:
        ScaffoldError: with the validator's messages.
    """
    from ..errors import ProblemsError
    from ..load import load_text
    from ..validate import validate

    try:
        problems = validate(load_text(text, "playbook.yml"), today=today)
    except ProblemsError as exc:
        problems = exc.problems
    if problems:
        raise ScaffoldError("the new playbook would not be valid with these values:\n"
                            + "\n".join(str(p) for p in problems))


def new_playbook(target: Path, *, organisation: str, timezone: str, today: dt.date | None = None) -> list[Path]:
    """Write the scaffold into ``target`` (which must not exist or be empty); the files written.

    Raises:
        ScaffoldError: ``target`` is a file or a folder with something in it.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target}: already exists and is not empty; choose a new folder")
    from ..schema_json import json_schema

    today = today or dt.date.today()
    pin = tool_pin()
    review = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today + dt.timedelta(366)
    # Values go into YAML as scalars the YAML library wrote (quoted, escaped): 'AT&T: Telecom' or
    # '#1 Bank' stays one string. In a comment, a name is one line of text.
    values = {"organisation": yaml_scalar(organisation), "site_name": yaml_scalar(f"{organisation} crisis playbook"),
              "organisation_in_comment": " ".join(organisation.split()), "today": today.isoformat(),
              "review": review.isoformat(), "timezone": yaml_scalar(timezone)}
    files = {
        "playbook.yml": Template((SCAFFOLD / "playbook.yml").read_text(encoding="utf-8")).substitute(values),
        "mkdocs.yml": Template((SCAFFOLD / "mkdocs.yml").read_text(encoding="utf-8")).substitute(values),
        "content/about.md": (SCAFFOLD / "about.md").read_text(encoding="utf-8"),
        "templates/README.md": "Page-template overrides: a file named like a packaged template replaces it.\n",
        ".gitignore": (SCAFFOLD / "gitignore").read_text(encoding="utf-8"),
        ".pre-commit-config.yaml": (SCAFFOLD / "pre-commit-config.yaml").read_text(encoding="utf-8"),
        ".github/workflows/playbook.yml": pin_ci((CI / "github-workflow.yml").read_text(encoding="utf-8"), pin),
        ".gitlab-ci.yml": pin_ci((CI / "gitlab-ci.yml").read_text(encoding="utf-8"), pin),
        "playbook.schema.json": json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
    }
    _check_scaffold(files["playbook.yml"], today)
    written = []
    try:
        for name, text in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise ScaffoldError(f"{target}: cannot write the new playbook: {exc.strerror}") from None
    return written
