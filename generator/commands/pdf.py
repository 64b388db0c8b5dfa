"""`playbook pdf`: the print page and the wallet cards as PDFs, with headless Chromium, offline.

No LaTeX: Chromium prints the same pages the browser shows, with the site's print styles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..build import build_into, file_stem
from ..errors import PdfError
from ..paths import check_output_file
from ..schema import Edition

#: Looked for in this order; PLAYBOOK_CHROMIUM names another.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


#: Chromium with no way out: background services off, and every request sent to a dead proxy.
OFFLINE_FLAGS = (
    "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
)


@dataclass(frozen=True)
class Printed:
    playbook: Path
    cards: Path


def find_chromium() -> str:
    named = os.environ.get("PLAYBOOK_CHROMIUM")
    if named:
        if not Path(named).is_file():
            raise PdfError(f"PLAYBOOK_CHROMIUM names {named}, which does not exist")
        return named
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("playbook pdf needs Chromium to print; install it (Debian: apt-get install chromium) "
                   "or name it in PLAYBOOK_CHROMIUM")


def print_page(chromium: str, page: Path, target: Path, profile: Path) -> None:
    """Print ``page`` to ``target`` with the network cut off (a dead proxy; no background services)."""
    command = [
        chromium, "--headless=new", *OFFLINE_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
        "--virtual-time-budget=5000", f"--print-to-pdf={target}", page.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfError(f"{chromium}: {exc}") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"{chromium} could not print {page.name}: {done.stderr.strip()[-500:]}")


def make_pdfs(config_file: Path, output: Path | None = None, *, edition: Edition | None = None) -> Printed:
    """Build the site in a scratch folder and print the whole playbook and the wallet cards.

    Raises:
        BuildError: the site could not be built.
        PdfError: Chromium is missing or could not print.
    """
    chromium = find_chromium()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        playbook = build_into(config_file, site, edition=edition).playbook
        doc = playbook.document
        target = output or config_file.resolve().parent / "dist" / (
            f"{file_stem(doc.organisation, doc.version)}-playbook.pdf")
        cards = target.with_name(target.name.removesuffix(".pdf") + "-cards.pdf")
        for pdf in (target, cards):
            check_output_file(pdf, config_file.resolve().parent, "--output" if output else "dist", b"%PDF-")
        target.parent.mkdir(parents=True, exist_ok=True)
        for page, pdf in ((site / "print.html", target), (site / "cards.html", cards)):
            partial = pdf.with_name(f".{pdf.name}.new")
            print_page(chromium, page, partial, Path(scratch) / "profile")
            partial.replace(pdf)
    return Printed(target, cards)
