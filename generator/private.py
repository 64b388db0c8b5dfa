"""Stage 1b: private contact details (``contacts.private.yml``), checked and merged into the playbook.

The file is kept out of the repository; its channels are added to the contacts of the same id and
marked ``private``, so the public edition leaves them out. Which file is used is decided once, by
:func:`private_file`, and passed on explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from . import phones
from .errors import LoadError, Problem
from .load import Source, load
from .validate import validate_private

#: Private contact details kept out of the repository, looked for beside the playbook.
PRIVATE_FILE = "contacts.private.yml"
#: What the private file is, said where it is empty.
PRIVATE_STARTS = (f"{PRIVATE_FILE} is a YAML mapping that starts with 'contacts:' (each contact's id, then its "
                  "private channels); write them, or remove the file")

#: Where the private contacts file is: None for contacts.private.yml beside the playbook (used when
#: it exists), a path for that file (which must exist), False for none at all.
PrivateFile = str | Path | None | Literal[False]


def private_file(playbook: str | Path, private: PrivateFile) -> tuple[Path, str] | None:
    """The private file to merge and the name to report it by, or None when there is none.

    Raises:
        LoadError: a file was named and does not exist.
    """
    if private is False:
        return None
    if private is None:
        beside = Path(playbook).parent / PRIVATE_FILE
        return (beside, PRIVATE_FILE) if beside.is_file() else None
    if not Path(private).is_file():
        raise LoadError([Problem(str(Path(private)), 0, 0, "", "no such file")])
    return Path(private), str(private)


def merge_private(source: Source, private: tuple[Path, str]) -> list[Problem]:
    """Check the private file ``private`` (path, name) and, when it has no problems, add its channels
    to the contacts of ``source`` (in place); its problems.

    Raises:
        LoadError: the private file cannot be read as plain YAML.
    """
    path, name = private
    private_source = load(path, name, starts=PRIVATE_STARTS)
    contacts = [c for c in source.data.get("contacts") or [] if isinstance(c, dict)]
    problems = validate_private(private_source, phones.regions(source.data))
    if not problems:
        for contact in contacts:
            ident = contact.get("id")
            extra = private_source.data["contacts"].get(ident, {}) if isinstance(ident, str) else {}
            if isinstance(contact.get("channels"), list):
                contact["channels"] += [{**channel, "private": True} for channel in extra.get("channels", [])]
    return problems
