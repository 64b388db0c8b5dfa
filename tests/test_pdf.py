"""`playbook pdf` and the print page: the whole playbook on paper, and wallet cards."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import EXAMPLE, copy_example, edit, invoke


def run_pdf(project: Path, *args: str) -> tuple[int, str]:
    return invoke("pdf", *args, cwd=project)


def pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_print_page_holds_the_whole_playbook_in_reading_order() -> None:
    playbook = open_playbook(EXAMPLE).playbook
    printed = next(p for p in render_pages(playbook) if p.path == "print.md").markdown
    items = [i.id for phase in playbook.phases for i in phase.checklist]
    items += [step.id for procedure in playbook.procedures for step in procedure.checklist]  # after the phases
    assert [m for m in re.findall(r'id="item-([a-z0-9-]+)"', printed)] == items  # every item, in order
    assert printed.count("- [ ] ") == len(items)  # tick boxes on paper
    order = [printed.index(h) for h in ("\n## Detection and assessment", "\n## Contacts", "\n## Out-of-band channels",
                                        "\n## Regulators and deadlines", "\n## Holding statement", "\n## Glossary")]
    assert order == sorted(order)
    assert "??? " not in printed and "<details" not in printed  # nothing collapsed
    assert "](contacts.md#contact-ana-horvat)" in printed  # links lead from the print page itself


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_writes_the_playbook_and_the_cards(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = run_pdf(tmp_path)
    assert code == 0, output
    playbook = tmp_path / "dist" / "danubia-pay-ag-3-1-playbook.pdf"
    cards = tmp_path / "dist" / "danubia-pay-ag-3-1-playbook-cards.pdf"
    assert output == f"Playbook: {playbook}\nCards:    {cards}\n"
    for pdf in (playbook, cards):
        assert pdf.read_bytes().startswith(b"%PDF-")
    assert pages(playbook) > 20
    assert 1 < pages(cards) < pages(playbook)
    assert not (tmp_path / "site").exists()  # printing does not touch the site
    for pdf in (playbook, cards):
        reader = pypdf.PdfReader(pdf)
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4
        text = [page.extract_text() for page in reader.pages]
        for number, page_text in enumerate(text, 1):  # every sheet says which version it is, and where
            assert f"page {number} of {len(text)}" in page_text
            assert "Danubia Pay AG · version 3.1 · approved 2026-11-02 · TLP:AMBER+STRICT" in page_text
        whole = " ".join(" ".join(t.split()) for t in text)
        assert "in this browser" not in whole and "Print this page" not in whole and "Tick each item" not in whole
    assert "On paper: tick each item when it is done, and write the time and your initials beside it." in " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(playbook).pages)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("document", "size"), [("  country: US\n", (216, 279)), ("  country: US\n  paper: A4\n",
                                                                                     (210, 297))])
def test_paper_follows_the_organisations_country_unless_the_plan_says(tmp_path: Path, document: str,
                                                                      size: tuple[int, int]) -> None:
    copy_example(tmp_path)
    playbook = tmp_path / "playbook.yml"
    text = edit(playbook.read_text(), "value: 0660 555 0111", "value: +43 660 555 0111")  # read as Austrian
    playbook.write_text(edit(text, "  country: AT ", document + "  # was AT "))
    code, output = run_pdf(tmp_path)
    assert code == 0, output
    box = pypdf.PdfReader(tmp_path / "dist" / "danubia-pay-ag-3-1-playbook.pdf").pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == size


def test_pdf_without_chromium_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path)
    monkeypatch.setenv("PLAYBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    assert run_pdf(tmp_path) == (1, f"PLAYBOOK_CHROMIUM names {tmp_path / 'no-chromium'}, which does not exist\n")
