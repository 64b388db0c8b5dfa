"""The protected internal edition (issue 15 part 3): `playbook build --protect` seals the whole site with a
passphrase. What a finder of the stick can read: every byte of every file of the site and the zip is
scanned for the plan's text and its private values. The browser side is tests/browser/test_protected.py."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from cryptography.exceptions import InvalidTag

from generator import protect
from generator.build import Built, build
from generator.errors import BuildError
from generator.protect import ProtectError, derive
from tests.conftest import copy_example, invoke
from tests.test_private import PRIVATE_FILE, _forms, _private_values

PASSPHRASE = "correct horse battery staple"
SALT = b"0123456789abcdef"


def test_a_short_passphrase_is_refused_with_the_rule() -> None:
    with pytest.raises(ProtectError) as refused:
        derive("hunter2hunter2")
    assert str(refused.value) == ("the passphrase is too short (14 characters): it must have at least 16 "
                                  "characters (four or five random words, say)")
    with pytest.raises(ProtectError, match=r"^the passphrase repeats too few characters \(2 different ones\)"):
        derive("abababababababababab")
    assert derive(PASSPHRASE, SALT).salt == SALT


def test_sealed_data_opens_with_its_passphrase_only() -> None:
    sealer = derive(PASSPHRASE, SALT)
    sealed = sealer.seal(b"Call Lukas Berger")
    assert sealer.open(sealed) == b"Call Lukas Berger"
    assert derive(PASSPHRASE, SALT).key == sealer.key  # the browser derives the same key from the same inputs
    assert sealer.seal(b"Call Lukas Berger") != sealed  # a new nonce every time
    with pytest.raises(InvalidTag):
        derive(PASSPHRASE + "!", SALT).open(sealed)
    with pytest.raises(InvalidTag):
        derive(PASSPHRASE, b"another salt 123").open(sealed)


def test_the_passphrase_is_the_same_key_however_its_accents_were_typed() -> None:
    composed, decomposed = "Café crème brûlée au lait", "Cafe\u0301 cre\u0300me bru\u0302le\u0301e au lait"
    assert derive(composed, SALT).key == derive(decomposed, SALT).key


def playbook_texts(project: Path) -> set[str]:
    """What of the plan must not be readable without the passphrase: private values in every form the site
    writes them, people, phases and procedures with their checklist actions, messages, regulators, the
    organisation, its marking and the site's name."""
    data = yaml.safe_load((project / "playbook.yml").read_text(encoding="utf-8"))
    texts = {form for value in _private_values(project) for form in _forms(value)}
    texts |= {channel["value"] for contact in data["contacts"] for channel in contact["channels"]
              if re.search(r"\d{3}", str(channel["value"]))}
    texts |= {contact["name"] for contact in data["contacts"]}
    for group in (*data["phases"], *data["procedures"]):
        texts.add(group["name"])
        # The plain start of each action, before any Markdown the page renders differently.
        texts |= {start.strip() for item in group["checklist"]
                  if len(start := re.split(r"[*_`\[\]<>&\"'(]", item["action"])[0]) >= 15}
    texts |= {template["title"] for template in data["templates"]}
    texts |= {regulator["name"] for regulator in data["regulators"]}
    texts |= {data["document"]["organisation"], data["document"]["classification"],
              yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]}
    return texts


def readable(built: Built) -> dict[str, str]:
    """Every byte a finder can read, as text (raw and with HTML character references resolved): each file of
    the site and of the bundle's folder, the zip itself, and each zip entry's name and content."""
    files = {f"site/{p.relative_to(built.site)}": p.read_bytes() for p in built.site.rglob("*") if p.is_file()}
    files |= {f"dist/{p.name}": p.read_bytes() for p in built.bundle.parent.iterdir() if p.is_file()}
    with zipfile.ZipFile(built.bundle) as archive:
        files |= {f"zip:{name}": name.encode() + b"\n" + archive.read(name) for name in archive.namelist()}
    texts = {}
    for where, content in files.items():
        text = content.decode("utf-8", errors="replace")
        texts[where] = text + "\n" + html.unescape(text)
    return texts


def leaks(texts: dict[str, str], secrets: set[str]) -> list[tuple[str, str]]:
    return sorted((where, secret) for secret in secrets for where, text in texts.items() if secret in text)


def private_project(project: Path) -> Path:
    copy_example(project)
    (project / "contacts.private.yml").write_text(PRIVATE_FILE.replace("bob", "ana-horvat"), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def protected(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = private_project(tmp_path_factory.mktemp("protected"))
    return build(project / "mkdocs.yml", passphrase=PASSPHRASE)


def opened_page(site: Path, page: str) -> str:
    """A lock page's sealed original, opened with the passphrase as the browser opens it."""
    config = json.loads(re.search(r'<script type="application/json" id="pb-protected">(.*?)</script>',
                                  (site / page).read_text(encoding="utf-8"), re.DOTALL).group(1))  # type: ignore[union-attr]
    return derive(PASSPHRASE, base64.b64decode(config["salt"])).open(config["page"]).decode("utf-8")


@pytest.mark.slow
def test_no_playbook_text_or_private_value_is_readable_in_the_protected_site_or_bundle(protected: Built) -> None:
    project = protected.site.parent
    secrets = playbook_texts(project)
    assert len(secrets) > 150 and "Lukas Berger" in secrets and "+881 631 555 999" in secrets
    assert protected.bundle.name == "danubia-pay-ag-3-1-protected-offline.zip"
    texts = readable(protected)
    assert {"site/search/search_index.js", "site/assets/playbook/data.js", "site/404.html",
            "zip:danubia-pay-ag-3-1-protected-offline/contacts.html"} <= set(texts)
    assert leaks(texts, secrets) == []
    # Nothing that lists the pages in clear, and nothing of the plan left beside the sealed pages.
    assert not {"site/sitemap.xml", "site/sitemap.xml.gz", "site/search/search_index.json",
                "site/assets/playbook/page.css"} & set(texts)
    assert all("<title>Protected playbook</title>" in protected.site.joinpath(p).read_text(encoding="utf-8")
               for p in ("index.html", "404.html", "phases/index.html", "contacts.html"))

    # The scan reads what it should: sealed, the same pages carry the texts it looks for.
    contacts = opened_page(protected.site, "contacts.html")
    assert "Lukas Berger" in html.unescape(contacts)
    assert leaks({"contacts.html": html.unescape(contacts)}, _forms("+881 631 555 999"))  # the private satphone
    assert "Danubia Pay AG · version 3.1" in html.unescape(opened_page(protected.site, "404.html"))


@pytest.mark.slow
def test_the_same_scan_finds_the_plan_in_the_internal_edition_built_in_clear(tmp_path: Path) -> None:
    project = private_project(tmp_path)
    found = {secret for _, secret in leaks(readable(build(project / "mkdocs.yml")), playbook_texts(project))}
    # Every text but the forms of a number the site writes otherwise (each number shows in some form).
    assert sorted(secret for secret in playbook_texts(project) - found if not re.search(r"\d", secret)) == []
    assert all(found & _forms(value) for value in _private_values(project))


@pytest.mark.slow
def test_a_failed_protected_build_leaves_the_last_good_site_and_bundle(protected: Built,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = protected.site.parent
    before = {p: p.read_bytes() for folder in (protected.site, protected.bundle.parent)
              for p in folder.rglob("*") if p.is_file()}

    def seal_half(site: Path, sealer: protect.Sealer) -> None:
        (site / "contacts.html").write_text("half sealed", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("generator.plugin.seal_site", seal_half)
    with pytest.raises(BuildError, match="No space left on device"):
        build(project / "mkdocs.yml", passphrase=PASSPHRASE)
    with pytest.raises(ProtectError, match="too short"):
        build(project / "mkdocs.yml", passphrase="short")
    after = {p: p.read_bytes() for folder in (protected.site, protected.bundle.parent)
             for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    assert [p.name for p in (project / "dist").iterdir()] == [protected.bundle.parent.name]


def test_build_protect_takes_the_passphrase_from_the_environment_and_refuses_a_short_one(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = invoke("build", "--protect", cwd=tmp_path, env={"PLAYBOOK_PASSPHRASE": "too short"})
    assert code == 1
    assert output.splitlines() == [
        "the passphrase is too short (9 characters): it must have at least 16 characters (four or five random "
        "words, say)",
        "Build failed; site/ and dist/ are unchanged.",
    ]
    assert not (tmp_path / "site").exists()


def test_build_protect_without_a_passphrase_or_a_terminal_is_a_usage_error(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path)
    monkeypatch.delenv("PLAYBOOK_PASSPHRASE", raising=False)
    code, output = invoke("build", "--protect", cwd=tmp_path)
    assert code == 2
    assert "--protect needs a passphrase: set PLAYBOOK_PASSPHRASE, or run at a terminal to be asked for it" in output
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_protected_bundle_unzips_to_the_protected_site(protected: Built, tmp_path: Path) -> None:
    shutil.unpack_archive(protected.bundle, tmp_path)
    unzipped = tmp_path / protected.bundle.stem
    site_files = sorted(p.relative_to(protected.site).as_posix() for p in protected.site.rglob("*")
                        if p.is_file() and p.name != ".playbook-site")
    assert sorted(p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()) == site_files
    assert "Lukas Berger" in html.unescape(opened_page(unzipped, "contacts.html"))
