"""Signed copies (issue 15): `playbook build --sign`, `playbook verify`, and the standard tool's own check.

The keys are throwaway Ed25519 (and one RSA) keys made with ssh-keygen in a temporary folder; no
private key is committed anywhere.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.errors import VerifyError
from generator.sign import (
    MANIFEST,
    NAMESPACE,
    PRINCIPAL,
    SigningKey,
    read_public_key,
    sign_file,
    verify,
    verify_folder,
    verify_zip,
)
from tests.conftest import copy_example, invoke

NAME = "danubia-pay-ag-3-1-offline"
SSH_KEYGEN = shutil.which("ssh-keygen")
pytestmark = pytest.mark.skipif(SSH_KEYGEN is None, reason="needs ssh-keygen (Debian: openssh-client)")


def make_key(folder: Path, name: str, kind: str = "ed25519") -> Path:
    """A throwaway private key without passphrase (its public half beside it as .pub)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    extra = ["-b", "2048"] if kind == "rsa" else []
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", name, "-f", str(path)], check=True)
    return path


def keygen_fingerprint(path: Path) -> str:
    return subprocess.run(["ssh-keygen", "-l", "-f", str(path)], capture_output=True, text=True,
                          check=True).stdout.split()[1]


@dataclass(frozen=True)
class Release:
    project: Path
    key: Path  # the private key it was signed with
    other: Path  # another Ed25519 key, never committed

    @property
    def public(self) -> Path:
        return self.project / "signing.pub"

    @property
    def site(self) -> Path:
        return self.project / "site"

    @property
    def bundle(self) -> Path:
        return self.project / "dist" / NAME / f"{NAME}.zip"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """The example project with a committed public key, built and signed once for the module."""
    base = tmp_path_factory.mktemp("signed")
    keys = base / "keys"
    key, other = make_key(keys, "release"), make_key(keys, "intruder")
    project = base / "project"
    copy_example(project)
    shutil.copy(key.with_suffix(".pub"), project / "signing.pub")
    code, output = invoke("build", "--sign", str(key), cwd=project)
    assert code == 0, output
    return Release(project, key, other)


@pytest.fixture
def site(release: Release, tmp_path: Path) -> Path:
    """A copy of the signed site to change."""
    return Path(shutil.copytree(release.site, tmp_path / "site"))


@pytest.fixture
def bundle(release: Release, tmp_path: Path) -> Path:
    """A copy of the signed bundle folder (zip, checksum, signature, allowed signers) to change."""
    folder = Path(shutil.copytree(release.bundle.parent, tmp_path / NAME))
    return folder / release.bundle.name


def flip_one_byte(data: bytes) -> bytes:
    """``data`` with one byte near its middle changed. Not a blank: whitespace inside an armored signature
    is not part of the signature, so changing it changes nothing that is signed."""
    at = len(data) // 2
    while at < len(data) - 1 and data[at:at + 1].isspace():
        at += 1
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def names(message: str, file: str) -> bool:
    """True when ``message`` names ``file`` as changed. A changed signature is named as itself when it is
    no longer a signature by the key, and beside its manifest when the two no longer match (either may
    have changed)."""
    manifest = file.removesuffix(".sig")
    return f"{file}: " in message or (file.endswith(f"{MANIFEST}.sig") and f"{manifest}: changed after signing, "
                                      f"or its signature {MANIFEST}.sig was: they do not match" in message)


def rezip(source: Path, target: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> None:
    """Copy the zip ``source`` to ``target`` with the entries in ``change`` replaced (None: left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)


# --- the key and the fingerprint people compare


def test_fingerprint_is_the_one_ssh_keygen_prints(tmp_path: Path) -> None:
    key = make_key(tmp_path, "k")
    assert read_public_key(key.with_suffix(".pub")).fingerprint == keygen_fingerprint(key.with_suffix(".pub"))


@pytest.mark.slow
def test_the_fingerprint_is_on_every_wallet_card_the_print_page_and_document_control(release: Release) -> None:
    fingerprint = keygen_fingerprint(release.public)
    cards = (release.site / "cards.html").read_text(encoding="utf-8")
    assert cards.count(f"Signing key: <code>{fingerprint}</code>") == cards.count('class="pb-card"') > 5
    for page in ("document.html", "print.html", "verify.html"):
        assert fingerprint in (release.site / page).read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_the_check_page_gives_the_commands_with_the_real_names(release: Release) -> None:
    page = (release.site / "verify.html").read_text(encoding="utf-8")
    command = (f"ssh-keygen -Y verify -f {NAME}.zip.allowed_signers -I {PRINCIPAL} -n {NAMESPACE} "
               f"-s {NAME}.zip.sig &lt; {NAME}.zip")
    assert command in page
    assert f"sha256sum --check --quiet {MANIFEST}" in page and f"shasum -a 256 --check --quiet {MANIFEST}" in page
    assert "Get-FileHash -Algorithm SHA256" in page


# --- a valid copy passes, with this tool and with the standard one


@pytest.mark.slow
def test_a_signed_bundle_and_site_pass(release: Release) -> None:
    for target in (release.bundle, release.bundle.parent, release.site):
        code, output = invoke("verify", str(target), cwd=release.project)
        assert code == 0, output
        assert output == (f"{target}: verified: signed with {keygen_fingerprint(release.public)} (signing.pub); "
                          f"{verify(target, release.public).files} files match the signed manifest\n")


@pytest.mark.slow
def test_the_standard_tool_verifies_the_zip_and_the_site_with_the_files_shipped_beside_them(release: Release) -> None:
    """What the *Check this copy* page tells a person to type, run with the real ssh-keygen and sha256sum."""
    fingerprint = keygen_fingerprint(release.public)
    good = f'Good "{NAMESPACE}" signature for {PRINCIPAL} with ED25519 key {fingerprint}\n'
    for folder, signers, signature, data in [
        (release.bundle.parent, f"{NAME}.zip.allowed_signers", f"{NAME}.zip.sig", f"{NAME}.zip"),
        (release.site, "allowed_signers", f"{MANIFEST}.sig", MANIFEST),
    ]:
        with (folder / data).open("rb") as stdin:
            done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", signers, "-I", PRINCIPAL, "-n", NAMESPACE,
                                   "-s", signature], stdin=stdin, cwd=folder, capture_output=True, text=True)
        assert (done.returncode, done.stdout) == (0, good), done.stderr
    checked = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", MANIFEST], cwd=release.site,
                             capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout + checked.stderr


@pytest.mark.slow
def test_the_standard_tool_refuses_a_changed_zip(bundle: Path, release: Release) -> None:
    bundle.write_bytes(flip_one_byte(bundle.read_bytes()))
    with bundle.open("rb") as stdin:
        done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", f"{NAME}.zip.allowed_signers", "-I", PRINCIPAL,
                               "-n", NAMESPACE, "-s", f"{NAME}.zip.sig"], stdin=stdin, cwd=bundle.parent,
                              capture_output=True, text=True)
    assert done.returncode != 0 and "Good" not in done.stdout


# --- any change is found and named


@pytest.mark.slow
def test_a_one_byte_change_in_any_file_of_a_signed_site_is_named(site: Path, release: Release) -> None:
    public = read_public_key(release.public)
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name != ".playbook-site")
    assert len(files) > 50 and site / MANIFEST in files and site / f"{MANIFEST}.sig" in files
    for path in files:
        original = path.read_bytes()
        path.write_bytes(flip_one_byte(original))
        with pytest.raises(VerifyError) as caught:
            verify_folder(site, public)
        assert names(str(caught.value), str(path)), path
        path.write_bytes(original)
    verify_folder(site, public)  # every file restored: it passes again


@pytest.mark.slow
def test_a_changed_site_file_fails_the_command_in_one_line(site: Path, release: Release) -> None:
    contacts = site / "contacts.html"
    contacts.write_bytes(contacts.read_bytes().replace(b"+43", b"+44", 1))
    code, output = invoke("verify", str(site), cwd=release.project)
    assert (code, output) == (1, f"{contacts}: changed after signing (its SHA-256 is not the signed one); "
                                 "not verified: do not trust this copy\n")


@pytest.mark.slow
def test_added_and_removed_site_files_are_named(site: Path, release: Release) -> None:
    (site / "phases" / "call-this-number.html").write_text("<p>Call +44 20 7946 0000</p>", encoding="utf-8")
    (site / "roles.html").unlink()
    code, output = invoke("verify", str(site), cwd=release.project)
    assert code == 1
    assert output.splitlines() == [
        f"{site / 'phases' / 'call-this-number.html'}: added (not in the signed manifest)",
        f"{site / 'roles.html'}: removed (the signed manifest lists it)",
        f"{site}: not verified (2 problems): do not trust this copy",
    ]
    assert "Traceback" not in output


@pytest.mark.slow
def test_a_one_byte_change_in_any_file_of_a_signed_bundle_is_named(bundle: Path, release: Release,
                                                                   tmp_path: Path) -> None:
    public = read_public_key(release.public)
    with zipfile.ZipFile(bundle) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    assert f"{NAME}/{MANIFEST}" in entries and f"{NAME}/contacts.html" in entries
    changed = tmp_path / "changed" / bundle.name
    changed.parent.mkdir()
    shutil.copy(bundle.with_name(bundle.name + ".sig"), changed.with_name(changed.name + ".sig"))
    for name, data in entries.items():
        rezip(bundle, changed, {name: flip_one_byte(data)})
        with pytest.raises(VerifyError) as caught:
            verify_zip(changed, public)
        assert names(str(caught.value), f"{changed}: {name}"), name


@pytest.mark.slow
def test_a_changed_file_in_the_bundle_fails_the_command_naming_it(bundle: Path, release: Release) -> None:
    contacts = f"{NAME}/contacts.html"
    with zipfile.ZipFile(bundle) as archive:
        original = archive.read(contacts)
    changed = bundle.with_name("changed.zip")
    rezip(bundle, changed, {contacts: original.replace(b"+43", b"+44", 1)})
    changed.replace(bundle)
    code, output = invoke("verify", str(bundle), cwd=release.project)
    assert code == 1
    assert output.splitlines() == [
        f"{bundle}: {contacts}: changed after signing (its SHA-256 is not the signed one)",
        f"{bundle}: changed after signing, or its signature {NAME}.zip.sig was: they do not match",
        f"{bundle}: not verified (2 problems): do not trust this copy",
    ]


@pytest.mark.slow
def test_added_and_removed_bundle_files_are_named(bundle: Path, release: Release) -> None:
    changed = bundle.with_name("changed.zip")
    rezip(bundle, changed, {f"{NAME}/roles.html": None}, add={f"{NAME}/extra.html": b"<p>hello</p>"})
    changed.replace(bundle)
    with pytest.raises(VerifyError) as caught:
        verify_zip(bundle, read_public_key(release.public))
    assert caught.value.problems[:2] == [f"{bundle}: {NAME}/extra.html: added (not in the signed manifest)",
                                         f"{bundle}: {NAME}/roles.html: removed (the signed manifest lists it)"]


@pytest.mark.slow
def test_a_raw_byte_flipped_in_the_zip_fails(bundle: Path, release: Release) -> None:
    bundle.write_bytes(flip_one_byte(bundle.read_bytes()))
    code, output = invoke("verify", str(bundle), cwd=release.project)
    assert code == 1 and "not verified" in output and "Traceback" not in output
    assert f"{bundle}: changed after signing, or its signature {NAME}.zip.sig was: they do not match" in output


# --- another key, or none


@pytest.mark.slow
def test_a_bundle_signed_with_another_key_fails(bundle: Path, release: Release) -> None:
    intruder = read_public_key(release.other.with_suffix(".pub"))
    sign_file(SigningKey(release.other, intruder), bundle, bundle.with_name(bundle.name + ".sig"))
    code, output = invoke("verify", str(bundle), cwd=release.project)
    assert (code, output) == (1, f"{bundle}.sig: signed with another key ({intruder.fingerprint}), not "
                                 f"the playbook's key {keygen_fingerprint(release.public)} (signing.pub); "
                                 "not verified: do not trust this copy\n")


@pytest.mark.slow
def test_a_copy_checked_against_another_key_fails(release: Release) -> None:
    for target in (release.bundle, release.site):
        code, output = invoke("verify", str(target), "--key", str(release.other.with_suffix(".pub")),
                              cwd=release.project)
        assert code == 1 and f"signed with another key ({keygen_fingerprint(release.public)})" in output, output


@pytest.mark.slow
def test_a_site_whose_signature_was_removed_is_not_signed(site: Path, release: Release) -> None:
    (site / f"{MANIFEST}.sig").unlink()
    code, output = invoke("verify", str(site), cwd=release.project)
    assert (code, output) == (1, f"{site / MANIFEST}: not signed: no {MANIFEST}.sig beside it; "
                                 "not verified: do not trust this copy\n")


@pytest.mark.slow
def test_a_site_resigned_with_another_key_fails(site: Path, release: Release) -> None:
    intruder = read_public_key(release.other.with_suffix(".pub"))
    sign_file(SigningKey(release.other, intruder), site / MANIFEST, site / f"{MANIFEST}.sig")
    with pytest.raises(VerifyError, match="signed with another key"):
        verify_folder(site, read_public_key(release.public))


def test_verify_says_an_unsigned_bundle_is_not_signed(tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "k")
    bundle = tmp_path / "dist" / f"{NAME}.zip"
    bundle.parent.mkdir()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr(f"{NAME}/index.html", "<p>hello</p>")
    code, output = invoke("verify", str(bundle), "--key", str(key.with_suffix(".pub")), cwd=tmp_path)
    assert (code, output) == (1, f"{bundle}: not signed: no {NAME}.zip.sig beside it; "
                                 "not verified: do not trust this copy\n")
    code, output = invoke("verify", str(bundle.parent), "--key", str(key.with_suffix(".pub")), cwd=tmp_path)
    assert code == 1 and "not signed" in output


def test_verify_says_an_unsigned_site_is_not_signed(tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "k")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>hello</p>", encoding="utf-8")
    code, output = invoke("verify", "site", "--key", str(key.with_suffix(".pub")), cwd=tmp_path)
    assert (code, output) == (1, f"site: not signed: no {MANIFEST} in it; not verified: do not trust this copy\n")


def test_verify_without_the_committed_public_key_says_where_it_looked(tmp_path: Path) -> None:
    code, output = invoke("verify", "site", cwd=tmp_path)
    assert (code, output) == (1, "public key signing.pub: no such file\n")


def test_verify_reads_the_public_key_named_in_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - playbook:\n      public_key: keys/release.pub\n",
                                         encoding="utf-8")
    code, output = invoke("verify", "site", cwd=tmp_path)
    assert (code, output) == (1, "public key keys/release.pub: no such file\n")


def test_verify_of_something_missing_says_so(tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "k")
    code, output = invoke("verify", "nothing.zip", "--key", str(key.with_suffix(".pub")), cwd=tmp_path)
    assert (code, output) == (1, "nothing.zip: no such file or folder; not verified: do not trust this copy\n")


# --- the signing key: refused with one clear line, before anything is replaced


@pytest.fixture
def unsigned_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    copy_example(project)
    return project


@pytest.mark.parametrize(("make", "message"), [
    (lambda keys: keys / "missing", "signing key {key}: no such file"),
    (lambda keys: make_key(keys, "rsa", "rsa"), "signing key {key}: an RSA key; signing needs an Ed25519 key "
                                                "(ssh-keygen -t ed25519 -f KEY)"),
    (lambda keys: make_key(keys, "ecdsa", "ecdsa"), "signing key {key}: an ECDSA key; signing needs an Ed25519 key "
                                                    "(ssh-keygen -t ed25519 -f KEY)"),
    (lambda keys: make_key(keys, "pub").with_suffix(".pub"),
     "signing key {key}: a public key; --sign takes the private key (the file without .pub), whose public half "
     "is committed"),
    (lambda keys: keys / "notes.txt", "signing key {key}: not an OpenSSH private key"),
], ids=["missing", "rsa", "ecdsa", "public-key", "not-a-key"])
def test_build_refuses_a_key_it_cannot_sign_with(unsigned_project: Path, tmp_path: Path, make, message: str) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "notes.txt").write_text("not a key\n", encoding="utf-8")
    key = make(keys)
    code, output = invoke("build", "--sign", str(key), cwd=unsigned_project)
    assert code == 1
    assert output == f"{message.format(key=key)}\nBuild failed; site/ and dist/ are unchanged.\n"
    assert not (unsigned_project / "site").exists() and not (unsigned_project / "dist").exists()


def test_build_with_a_key_but_no_committed_public_key_says_how_to_commit_it(unsigned_project: Path,
                                                                            tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "release")
    code, output = invoke("build", "--sign", str(key), cwd=unsigned_project)
    assert code == 1
    assert output.splitlines()[0] == (
        f"public key {unsigned_project / 'signing.pub'}: no such file; commit the public half of the signing key "
        f"there, so that copies can be checked (ssh-keygen -y -f {key} > signing.pub)")


def test_build_with_a_key_that_is_not_the_committed_one_is_refused(unsigned_project: Path, tmp_path: Path) -> None:
    key, other = make_key(tmp_path / "keys", "release"), make_key(tmp_path / "keys", "other")
    shutil.copy(other.with_suffix(".pub"), unsigned_project / "signing.pub")
    code, output = invoke("build", "--sign", str(key), cwd=unsigned_project)
    assert code == 1
    assert output.splitlines()[0] == (
        f"signing key {key} ({keygen_fingerprint(key)}) is not the key committed in "
        f"{unsigned_project / 'signing.pub'} ({keygen_fingerprint(other)}); sign with that key, or commit the new "
        "key's public half")


def test_the_key_can_come_from_the_environment(unsigned_project: Path, tmp_path: Path) -> None:
    code, output = invoke("build", cwd=unsigned_project, env={"PLAYBOOK_SIGNING_KEY": str(tmp_path / "nothing")})
    assert code == 1 and output.startswith(f"signing key {tmp_path / 'nothing'}: no such file\n")


@pytest.mark.slow
def test_a_failed_signature_leaves_the_last_good_site_and_bundle(release: Release, tmp_path: Path) -> None:
    project = Path(shutil.copytree(release.project, tmp_path / "project", symlinks=True))
    key = Path(shutil.copy(release.key, tmp_path / "key"))
    key.chmod(0o644)  # ssh-keygen refuses a private key others can read: the build fails after MkDocs ran
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    code, output = invoke("build", "--sign", str(key), cwd=project)
    assert code == 1 and "Traceback" not in output
    assert output.startswith(f"signing key {key}: ssh-keygen could not sign {MANIFEST}: ")
    assert "Permissions 0644" in output.splitlines()[0]
    assert output.endswith("Build failed; site/ and dist/ are unchanged.\n")
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
    public = project / "signing.pub"
    verify(project / "site", public)
    verify(project / "dist" / NAME / f"{NAME}.zip", public)
    assert sorted(p.name for p in (project / "dist").iterdir()) == [NAME]  # no staging folder left


# --- unsigned: the pages say so and never show a fingerprint


@pytest.mark.slow
def test_without_a_key_the_pages_say_copies_are_not_signed(unsigned_project: Path) -> None:
    code, output = invoke("build", cwd=unsigned_project)
    assert code == 0, output
    site = unsigned_project / "site"
    for page in ("cards.html", "document.html", "print.html", "verify.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "SHA256:" not in text.replace("SHA256:…", ""), page
    assert "Signing key: none: copies of this playbook are not signed" in (site / "cards.html").read_text()
    assert "none: copies of this playbook are not signed" in (site / "document.html").read_text()
    assert "This playbook is not signed" in (site / "verify.html").read_text()
    assert not (site / MANIFEST).exists()
    assert sorted(p.name for p in (unsigned_project / "dist" / NAME).iterdir()) == [f"{NAME}.zip",
                                                                                    f"{NAME}.zip.sha256"]


@pytest.mark.slow
def test_two_signed_builds_of_the_same_input_are_byte_identical(release: Release, tmp_path: Path) -> None:
    """Ed25519 signatures are deterministic: signing keeps the build reproducible (README, Signed bundles)."""
    project = Path(shutil.copytree(release.project, tmp_path / "project", symlinks=True,
                                   ignore=shutil.ignore_patterns("site", "dist")))
    epoch = {"SOURCE_DATE_EPOCH": "1767225600"}
    outputs = []
    for _ in range(2):
        code, output = invoke("build", "--sign", str(release.key), cwd=project, env=epoch)
        assert code == 0, output
        folder = project / "dist" / NAME
        outputs.append({p.name: p.read_bytes() for p in folder.iterdir()}
                       | {MANIFEST: (project / "site" / MANIFEST).read_bytes()})
    assert sorted(outputs[0]) == [f"{NAME}.zip", f"{NAME}.zip.allowed_signers", f"{NAME}.zip.sha256",
                                  f"{NAME}.zip.sig", MANIFEST]
    assert outputs[0] == outputs[1]
