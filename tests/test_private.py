"""Private contact details: marked in playbook.yml or kept in contacts.private.yml; the public edition has none."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from generator import LoadError, check, phones
from generator.build import build
from tests.conftest import EXAMPLE, MINIMAL, TODAY, copy_example, edit, invoke

PRIVATE_FILE = """contacts:
  lukas-berger:
    channels:
      - {type: satphone, value: +881 631 555 999, out_of_band: true, note: Home}
  bob:
    channels:
      - {type: mobile, value: +43 660 000 0099}
"""


def test_private_file_must_name_existing_contacts_and_real_numbers(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    (tmp_path / "contacts.private.yml").write_text(
        "contacts:\n  alicia:\n    channels:\n      - {type: mobile, value: call me}\n")
    assert [str(p) for p in check(tmp_path / "playbook.yml", today=TODAY, display_name="playbook.yml")] == [
        "contacts.private.yml:2:3: contacts.alicia: unknown contact 'alicia'; known: alice, bob",
        "contacts.private.yml:4:24: contacts.alicia.channels[0].value: 'call me' is not a phone number: it has "
        "no digits",
    ]


def test_private_channels_count_for_readiness(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(
        edit(MINIMAL.read_text(), "      - {type: signal, value: +43 660 000 0002, out_of_band: true}\n", ""))
    assert [p.message for p in check(tmp_path / "playbook.yml", today=TODAY)] == [
        "key role 'comms-lead' cannot be reached out-of-band: none of its contacts has a channel with "
        "out_of_band: true"
    ]
    (tmp_path / "contacts.private.yml").write_text(
        "contacts:\n  alice:\n    channels:\n      - {type: signal, value: +43 660 000 0002, out_of_band: true}\n")
    assert check(tmp_path / "playbook.yml", today=TODAY) == []


def test_a_private_file_named_but_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        check(MINIMAL, private=tmp_path / "nope.yml")


def _private_values(project: Path) -> set[str]:
    data = yaml.safe_load((project / "playbook.yml").read_text())
    values = {ch["value"] for c in data["contacts"] for ch in c["channels"] if ch.get("private") or c.get("private")}
    extra = yaml.safe_load((project / "contacts.private.yml").read_text())["contacts"]
    return values | {ch["value"] for entry in extra.values() for ch in entry["channels"]}


def _forms(value: str) -> set[str]:
    """A value as it may appear: written, digits-only, and as the site writes a phone number and its
    tel: link (a value that is no number comes back unchanged, or as ``tel:`` and no digits)."""
    forms = {value, re.sub(r"[^0-9+]", "", value), phones.display(value, None), phones.tel_uri(value)}
    return forms - {"", "+", "tel:"}


@pytest.mark.slow
def test_public_edition_leaves_out_every_private_value(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "contacts.private.yml").write_text(PRIVATE_FILE.replace("bob", "ana-horvat"))
    private = _private_values(tmp_path)
    assert len(private) == 18
    internal = build(tmp_path / "mkdocs.yml")
    everything = "".join(p.read_text(errors="replace") for p in internal.site.rglob("*") if p.is_file())
    assert all(any(form in everything for form in _forms(value)) for value in private), \
        "the internal edition has every private value"

    public = build(tmp_path / "mkdocs.yml", edition="public")
    assert public.bundle.name == "danubia-pay-ag-3-1-public-offline.zip"
    texts = {p.relative_to(public.site).as_posix(): p.read_text(errors="replace")
             for p in public.site.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".json", ".xml", ".txt")}
    assert "search/search_index.json" in texts and "assets/playbook/data.js" in texts
    with zipfile.ZipFile(public.bundle) as archive:
        texts.update({f"zip:{n}": archive.read(n).decode(errors="replace") for n in archive.namelist()})
    leaks = [(where, value) for value in private for form in _forms(value) for where, text in texts.items()
             if form in text]
    assert leaks == []
    contacts = texts["contacts.html"]
    assert "Lukas Berger" in contacts and "Weiss &#38; Partner" in contacts  # people and organisations stay
    assert "+43 660 5550103" in contacts  # and details not marked private
    assert "Public edition, without private contact details." in contacts


def test_example_marks_the_private_phones() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    signal = [ch for c in data["contacts"] if not c.get("external") for ch in c["channels"] if ch["type"] == "signal"]
    assert signal and all(ch.get("private") for ch in signal)


@pytest.mark.slow
def test_build_command_takes_the_edition(tmp_path: Path) -> None:
    from tests.test_build import invoke_build

    copy_example(tmp_path)
    code, output = invoke_build(tmp_path, "--edition", "public")
    assert code == 0, output
    bundle = tmp_path / "dist" / "danubia-pay-ag-3-1-public-offline" / "danubia-pay-ag-3-1-public-offline.zip"
    assert f"Bundle: {bundle}" in output.splitlines()


def test_a_broken_contact_beside_a_valid_private_file_is_a_message_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(edit(MINIMAL.read_text(), "  - id: bob\n", "  - id: [bob]\n"))
    (tmp_path / "contacts.private.yml").write_text(
        "contacts:\n  alice:\n    channels:\n      - {type: mobile, value: +43 660 000 0009}\n")
    messages = [str(p) for p in check(tmp_path / "playbook.yml", today=TODAY, display_name="playbook.yml")]
    assert "playbook.yml:37:5: contacts[1].id: expected text, got a list" in messages


@pytest.mark.parametrize(("text", "what"), [("", "is empty"), ("# to be filled in\n", "holds only comments")])
def test_an_empty_private_file_is_refused_as_a_private_file_not_as_a_playbook(tmp_path: Path, text: str,
                                                                              what: str) -> None:
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    (tmp_path / "contacts.private.yml").write_text(text)
    code, output = invoke("validate", cwd=tmp_path)
    assert (code, output) == (1, f"contacts.private.yml: the file {what}; contacts.private.yml is a YAML mapping that "
                                 "starts with 'contacts:' (each contact's id, then its private channels); write "
                                 "them, or remove the file\nplaybook.yml: invalid (1 error, 0 warnings)\n")
