"""Private values through every door of the public edition (issue 21): the What changed page and
`playbook diff`, the published branch and the all-versions archive, the PDFs. The site and its bundle
are scanned in test_private.py; the exported incident log in tests/browser/test_payloads.py."""

from __future__ import annotations

import html
import io
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from generator.build import build
from tests.conftest import copy_example, edit, invoke
from tests.test_private import PRIVATE_FILE, _forms, _private_values
from tests.test_publish import ARCHIVE, git, project, publish  # noqa: F401  (project is a fixture)

pytestmark = pytest.mark.slow

#: Marija's private Signal number (the issue's example), changed in the new version, and her mobile,
#: public in the old version and marked private in the new one.
OLD_SIGNAL, NEW_SIGNAL, MOBILE = "+381 60 555 9106", "+381 60 555 9107", "+381 60 555 0106"


def leaks(texts: dict[str, str], values: set[str]) -> list[tuple[str, str]]:
    return [(where, value) for value in sorted(values) for form in _forms(value) for where, text in texts.items()
            if form in text]


def new_version(text: str) -> str:
    text = edit(text, 'version: "3.1"   ', 'version: "3.2"   ')
    text = edit(text, f"value: {OLD_SIGNAL}, out_of_band: true, private: true}}",
                f"value: {NEW_SIGNAL}, out_of_band: true, private: true}}")
    return edit(text, f"{{type: mobile, value: {MOBILE}}}", f"{{type: mobile, value: {MOBILE}, private: true}}")


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """The example committed and tagged v3.1, then changed into version 3.2 in the work tree."""
    copy_example(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "3.1")
    git(tmp_path, "tag", "v3.1")
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(new_version(playbook.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def test_public_what_changed_page_shows_no_private_value_old_or_new(tagged: Path) -> None:
    page = html.unescape((build(tagged / "mkdocs.yml", edition="public").site / "changes.html").read_text("utf-8"))
    assert leaks({"changes.html": page}, {OLD_SIGNAL, NEW_SIGNAL, MOBILE}) == []
    assert "(private)" in page  # the mobile that became private: its change is shown, its number is not
    internal = (build(tagged / "mkdocs.yml").site / "changes.html").read_text(encoding="utf-8")
    shown = {value for _, value in leaks({"changes.html": internal}, {OLD_SIGNAL, NEW_SIGNAL})}
    assert shown == {OLD_SIGNAL, NEW_SIGNAL}  # the internal edition shows everything


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_diff_command_shows_no_private_value(tagged: Path, output_format: str) -> None:
    code, output = invoke("diff", "v3.1", "playbook.yml", "--format", output_format, cwd=tagged)
    assert code == 0, output
    assert leaks({"diff": output}, {OLD_SIGNAL, NEW_SIGNAL, MOBILE}) == []
    assert "(private)" in html.unescape(output)
    assert "3.1" in output and "3.2" in output


def _branch_texts(checkout: Path, branch: str) -> dict[str, str]:
    archive = subprocess.run(["git", "archive", branch], cwd=checkout, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {member.name: tar.extractfile(member).read().decode(errors="replace")  # type: ignore[union-attr]
                for member in tar.getmembers() if member.isfile()}


def _zip_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {f"zip:{name}": archive.read(name).decode(errors="replace") for name in archive.namelist()}


def test_publish_puts_only_the_public_edition_on_the_branch(project: Path) -> None:  # noqa: F811
    (project / "contacts.private.yml").write_text(PRIVATE_FILE.replace("bob", "ana-horvat"), encoding="utf-8")
    private = _private_values(project)
    code, output = publish(project, "3.1")
    assert code == 0, output
    branch = _branch_texts(project, "gh-pages")
    assert "3.1/contacts.html" in branch
    assert leaks(branch, private) == []
    assert leaks(_zip_texts(project / "dist" / ARCHIVE / f"{ARCHIVE}.zip"), private) == []

    # Refused even when asked for (issue 15): a served branch has no protected edition yet.
    code, output = publish(project, "3.1-internal", "--edition", "internal")
    assert code == 1 and output.startswith("publishing the internal edition is refused"), output
    assert not any(k.startswith("3.1-internal/") for k in _branch_texts(project, "gh-pages"))


def test_publish_refuses_an_unknown_edition(project: Path) -> None:  # noqa: F811
    code, output = publish(project, "3.1", "--edition", "everything")
    assert code == 2
    assert "Invalid value for '--edition'" in output


@pytest.mark.browser
def test_public_pdfs_carry_no_private_value(tmp_path: Path) -> None:
    from pypdf import PdfReader

    copy_example(tmp_path)
    (tmp_path / "contacts.private.yml").write_text(PRIVATE_FILE.replace("bob", "ana-horvat"), encoding="utf-8")
    private = _private_values(tmp_path)
    code, output = invoke("pdf", "--edition", "public", "-o", "dist/public.pdf", cwd=tmp_path)
    assert code == 0, output
    texts = {pdf.name: "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
             for pdf in (tmp_path / "dist").glob("*.pdf")}
    assert set(texts) == {"public.pdf", "public-cards.pdf"}
    assert "Ana Horvat" in texts["public.pdf"]  # the text is readable: a scan that finds nothing means something
    assert leaks(texts, private) == []
    assert yaml.safe_load(PRIVATE_FILE)  # the private file was there to leak
