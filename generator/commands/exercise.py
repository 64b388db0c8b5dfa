"""`playbook exercise SCENARIO`: the exercise pack of a scenario as a PDF, printed from the site's own page.

The pack is a page of the site (``exercise/<scenario>.html``), so the team sees on screen what the facilitator
prints; Chromium prints it offline as `playbook pdf` prints the playbook.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..build import build_into, file_stem
from ..errors import ExerciseError
from ..paths import check_output_file
from ..schema import Edition
from .pdf import find_chromium, print_page


@dataclass(frozen=True)
class PrintedPack:
    pdf: Path
    injects: int
    page: str  #: where the pack is on the site


def make_pack(config_file: Path, scenario: str, output: Path | None = None, *,
              edition: Edition | None = None) -> PrintedPack:
    """Build the site in a scratch folder and print the exercise pack of ``scenario``.

    Raises:
        ExerciseError: the playbook has no such scenario.
        BuildError, PdfError: the site could not be built or printed.
    """
    from ..exercise import exercise_pack

    chromium = find_chromium()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        playbook = build_into(config_file, site, edition=edition).playbook
        known = [s.id for s in playbook.scenarios]
        if scenario not in known:
            raise ExerciseError(f"unknown scenario '{scenario}'; "
                                + (f"known: {', '.join(known)}" if known else "the playbook has no scenarios"))
        doc = playbook.document
        target = output or config_file.resolve().parent / "dist" / (
            f"{file_stem(doc.organisation, doc.version)}-exercise-{scenario}.pdf")
        check_output_file(target, config_file.resolve().parent, "--output" if output else "dist", b"%PDF-")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.new")
        print_page(chromium, site / "exercise" / f"{scenario}.html", partial, Path(scratch) / "profile")
        partial.replace(target)
        injects = len(exercise_pack(playbook, playbook.entry("scenario", scenario)).cards)
    return PrintedPack(target, injects, f"exercise/{scenario}.html")
