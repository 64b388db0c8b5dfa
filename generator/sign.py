"""Signed copies: the offline bundle and the site carry OpenSSH signatures that the standard tool checks.

An attacker inside the network who changes one phone number in the bundle on a shared drive
redirects the crisis team's calls, and the ``.sha256`` beside the zip changes with it. So a release
is signed with the organisation's Ed25519 key, whose public half is committed with the playbook
(``signing.pub``) and whose fingerprint is printed on the wallet cards:

- the zip gets ``<zip>.sig`` and ``<zip>.allowed_signers`` beside it;
- the site (and so the zip's folder) carries :data:`MANIFEST`, the SHA-256 of every file in
  ``sha256sum -c`` format, with its signature ``MANIFEST.sig`` and ``allowed_signers``. The manifest
  lists every file but itself and its signature, so the pages (which show the key's fingerprint,
  never the manifest's hash) are in it, and nothing refers to itself.

The signatures are OpenSSH's (SSHSIG, ``ssh-keygen -Y sign``), made and checked by running
``ssh-keygen`` itself: the format is then the reference implementation's, a person checks a copy
with ``ssh-keygen -Y verify`` alone (Windows 10 and later, macOS, Linux), and the tool needs no
cryptography library. The keys are read here, in Python, only to name their type and fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import SignError, VerifyError
from .paths import MARKER
from .trust import playbook_plugin_setting

#: What a signature is for (``ssh-keygen -n``): a playbook signature cannot pass for a git commit's or a login's.
NAMESPACE = "crisis-playbook"
#: The name the key has in an allowed-signers file (``ssh-keygen -I``).
PRINCIPAL = "crisis-playbook"
#: The one key type accepted: Ed25519 is in every OpenSSH that has ``-Y verify``, and small.
KEY_TYPE = "ssh-ed25519"
#: The public key's file, beside mkdocs.yml unless the plugin's ``public_key`` says otherwise.
DEFAULT_PUBLIC_KEY = "signing.pub"
#: The manifest of a signed site, at its root, and its signature beside it.
MANIFEST = "playbook-manifest.sha256"
SIGNATURE = ".sig"
ALLOWED_SIGNERS = "allowed_signers"
#: The private key a build signs with, when `--sign` is not given: for CI, and for mike's build in `playbook publish`.
SIGNING_VARIABLE = "PLAYBOOK_SIGNING_KEY"
#: Read from a key file at most this much: a key is a few hundred bytes.
KEY_FILE_LIMIT = 64 * 1024

_KEY_NAMES = {
    "ssh-rsa": "an RSA key", "ssh-dss": "a DSA key", "ecdsa-sha2-nistp256": "an ECDSA key",
    "ecdsa-sha2-nistp384": "an ECDSA key", "ecdsa-sha2-nistp521": "an ECDSA key",
    "sk-ssh-ed25519@openssh.com": "a security-key (FIDO) Ed25519 key",
    "sk-ecdsa-sha2-nistp256@openssh.com": "a security-key (FIDO) ECDSA key",
}
_PEM_KINDS = {"RSA": "an RSA key in PEM format", "EC": "an ECDSA key in PEM format", "DSA": "a DSA key in PEM format",
              "": "a PKCS#8 key", "ENCRYPTED": "an encrypted PKCS#8 key"}
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)


class _Wire:
    """Reads the SSH wire format (RFC 4251): big-endian lengths before strings."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.at:self.at + size]
        self.at += size
        return chunk

    def uint32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def string(self) -> bytes:
        return self.take(self.uint32())


def fingerprint(blob: bytes) -> str:
    """``SHA256:…`` of a public key, as ``ssh-keygen -l`` prints it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _kind_of(blob: bytes) -> str:
    return _Wire(blob).string().decode("ascii", "replace")


def _key_name(kind: str) -> str:
    return _KEY_NAMES.get(kind, f"a '{kind}' key")


@dataclass(frozen=True)
class PublicKey:
    """The public half of a signing key: its wire-format blob, and the file it came from."""

    blob: bytes
    source: Path

    @property
    def kind(self) -> str:
        return _kind_of(self.blob)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.blob)

    @property
    def line(self) -> str:
        """``ssh-ed25519 AAAA…``: the key as authorized_keys and allowed-signers files write it."""
        return f"{self.kind} {base64.b64encode(self.blob).decode()}"

    @property
    def allowed_signers(self) -> str:
        """The allowed-signers file (``ssh-keygen -Y verify -f``) that trusts this key for playbooks only."""
        return f'{PRINCIPAL} namespaces="{NAMESPACE}" {self.line}\n'


@dataclass(frozen=True)
class SigningKey:
    """A private key file checked to be Ed25519 and to be the half of the committed public key."""

    path: Path
    public: PublicKey


def _read_key_file(path: Path, what: str) -> str:
    if not path.is_file():
        raise SignError(f"{what} {path}: {'not a file' if path.exists() else 'no such file'}")
    with path.open("rb") as file:
        data = file.read(KEY_FILE_LIMIT + 1)
    if len(data) > KEY_FILE_LIMIT:
        raise SignError(f"{what} {path}: larger than {KEY_FILE_LIMIT // 1024} KiB; a key file is a few hundred bytes")
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise SignError(f"{what} {path}: not a key file (it is not text)") from None


def read_public_key(path: Path) -> PublicKey:
    """The Ed25519 public key in ``path`` (one ``ssh-ed25519 AAAA… comment`` line, as ssh-keygen writes it).

    Raises:
        SignError: no such file, not a public key, or not Ed25519; said in one line.
    """
    text = _read_key_file(path, "public key")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    fields = lines[0].split() if len(lines) == 1 else []
    try:
        blob = base64.b64decode(fields[1], validate=True) if len(fields) >= 2 else b""
        kind = _kind_of(blob) if blob else ""
    except (binascii.Error, ValueError):
        blob, kind = b"", ""
    if not blob or kind != fields[0]:
        hint = " (it is a private key: commit only the .pub file)" if "PRIVATE KEY" in text else ""
        raise SignError(f"public key {path}: not an OpenSSH public key line 'ssh-ed25519 AAAA…'{hint}")
    if kind != KEY_TYPE:
        raise SignError(f"public key {path}: {_key_name(kind)}; signing needs an Ed25519 key "
                        "(ssh-keygen -t ed25519 -f KEY)")
    return PublicKey(blob, path)


def _private_key_kind(path: Path) -> tuple[str, bytes]:
    """(name of the key's type, its public blob or b"") of a private key file, without decrypting it."""
    text = _read_key_file(path, "signing key")
    if text.lstrip().startswith(("ssh-", "ecdsa-", "sk-")):
        raise SignError(f"signing key {path}: a public key; --sign takes the private key "
                        "(the file without .pub), whose public half is committed")
    armor = _PEM.search(text)
    if armor is None:
        raise SignError(f"signing key {path}: not an OpenSSH private key")
    label = armor.group(1)
    if label != "OPENSSH PRIVATE KEY":
        kind = label.removesuffix("PRIVATE KEY").strip()
        return _PEM_KINDS.get(kind, f"a '{label}' file"), b""
    try:
        wire = _Wire(base64.b64decode("".join(armor.group(2).split()), validate=True))
        if wire.take(15) != b"openssh-key-v1\0":
            raise ValueError("not version 1")
        wire.string(), wire.string(), wire.string()  # cipher, KDF, KDF options: the public part is not encrypted
        if wire.uint32() < 1:
            raise ValueError("no key")
        blob = wire.string()
        kind = _kind_of(blob)
    except (binascii.Error, ValueError):
        raise SignError(f"signing key {path}: a damaged OpenSSH private key") from None
    return (kind if kind == KEY_TYPE else _key_name(kind)), blob


def signing_key(private: Path, public: Path) -> SigningKey:
    """Check that ``private`` is an Ed25519 private key whose public half is the committed ``public``.

    Raises:
        SignError: missing, another kind of key, no committed public key, or not the committed one.
    """
    kind, blob = _private_key_kind(private)
    if kind != KEY_TYPE:
        raise SignError(f"signing key {private}: {kind}; signing needs an Ed25519 key "
                        "(ssh-keygen -t ed25519 -f KEY)")
    if not public.is_file():
        raise SignError(f"public key {public}: no such file; commit the public half of the signing key there, "
                        f"so that copies can be checked (ssh-keygen -y -f {private} > {public.name})")
    committed = read_public_key(public)
    if blob != committed.blob:
        raise SignError(f"signing key {private} ({fingerprint(blob)}) is not the key committed in {public} "
                        f"({committed.fingerprint}); sign with that key, or commit the new key's public half")
    return SigningKey(private, committed)


def _ssh_keygen(arguments: list[str], data: bytes, what: str) -> subprocess.CompletedProcess[bytes]:
    program = shutil.which("ssh-keygen")
    if program is None:
        raise SignError(f"{what}: ssh-keygen not found; install the OpenSSH client (Debian and Ubuntu: "
                        "openssh-client; it comes with Windows 10 and later and with macOS)")
    try:
        return subprocess.run([program, *arguments], input=data, capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SignError(f"{what}: ssh-keygen failed: {exc}") from None


def sign_file(key: SigningKey, data: Path, signature: Path) -> None:
    """Sign ``data`` with ``key`` into ``signature`` (``ssh-keygen -Y sign``, armored SSHSIG).

    A key with a passphrase asks for it on the terminal, once per signature.

    Raises:
        SignError: ssh-keygen is missing or refused (a key readable by others, a wrong passphrase…).
    """
    done = _ssh_keygen(["-Y", "sign", "-f", str(key.path.absolute()), "-n", NAMESPACE], data.read_bytes(),
                       f"signing {data.name}")
    if done.returncode != 0 or not done.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
        detail = "; ".join(line.strip() for line in done.stderr.decode(errors="replace").splitlines()
                           if line.strip().strip("@") and not line.startswith("Signing"))
        raise SignError(f"signing key {key.path}: ssh-keygen could not sign {data.name}: {detail or 'no signature'}")
    signature.write_bytes(done.stdout)


def signer_of(signature: bytes) -> tuple[bytes, str]:
    """(public key blob, namespace) of an armored SSHSIG signature.

    Raises:
        ValueError: it is not one.
    """
    armor = re.search(rb"-----BEGIN SSH SIGNATURE-----(.*?)-----END SSH SIGNATURE-----", signature, re.DOTALL)
    if armor is None:
        raise ValueError("not an SSH signature")
    try:
        wire = _Wire(base64.b64decode(b"".join(armor.group(1).split()), validate=True))
    except binascii.Error:
        raise ValueError("not an SSH signature") from None
    if wire.take(6) != b"SSHSIG":
        raise ValueError("not an SSH signature")
    wire.uint32()  # version
    return wire.string(), wire.string().decode("ascii", "replace")


#: A problem of a signed copy: the file it concerns ("" for the copy as a whole) and what is wrong.
Problem = tuple[str, str]


def signature_problem(message: bytes, signature: bytes | None, public: PublicKey, names: tuple[str, str]) \
        -> Problem | None:
    """Why ``signature`` is not ``public``'s signature of ``message`` for playbooks, or None when it is.
    ``names`` are the message's and the signature's file names; the problem names the one at fault
    (both, when they do not match: either may have changed).

    The final word is ``ssh-keygen -Y verify``'s; the signature is read first only to say which key made it.
    """
    data_name, signature_name = names
    if signature is None:
        return data_name, f"not signed: no {posixpath.basename(signature_name)} beside it"
    try:
        signer, namespace = signer_of(signature)
    except ValueError:
        return signature_name, "damaged: not an OpenSSH signature"
    if signer != public.blob:
        return signature_name, (f"signed with another key ({fingerprint(signer)}), not the playbook's key "
                                f"{public.fingerprint} ({public.source.name})")
    if namespace != NAMESPACE:
        return signature_name, f"signed for another purpose ('{namespace}'), not as a playbook ('{NAMESPACE}')"
    with tempfile.TemporaryDirectory(prefix="playbook-verify-") as scratch:
        allowed, sig = Path(scratch) / ALLOWED_SIGNERS, Path(scratch) / "message.sig"
        allowed.write_text(public.allowed_signers, encoding="ascii")
        sig.write_bytes(signature)
        done = _ssh_keygen(["-Y", "verify", "-f", str(allowed), "-I", PRINCIPAL, "-n", NAMESPACE, "-s", str(sig)],
                           message, "checking a signature")
    if done.returncode != 0:
        return data_name, (f"changed after signing, or its signature {posixpath.basename(signature_name)} was: "
                           "they do not match")
    return None


# --- The manifest of a site


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unlisted(name: str) -> bool:
    """Files at a signed folder's root that its manifest leaves out: itself, its signature, the build's marker."""
    return name in (MANIFEST, MANIFEST + SIGNATURE, MARKER)


def manifest_text(folder: Path) -> str:
    """Every file under ``folder`` but :func:`_unlisted` ones, sorted, as ``sha256sum -c`` reads them.

    Raises:
        SignError: a file name ``sha256sum`` would escape (a backslash or a line break in it).
    """
    lines = []
    for path in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()):
        name = path.relative_to(folder).as_posix()
        if not path.is_file() or _unlisted(name):
            continue
        if "\\" in name or "\n" in name or "\r" in name:
            raise SignError(f"{path}: a file name with a backslash or a line break cannot be listed in {MANIFEST}")
        lines.append(f"{_hash(path.read_bytes())}  {name}\n")
    return "".join(lines)


def sign_folder(folder: Path, key: SigningKey) -> Path:
    """Write ``allowed_signers``, then :data:`MANIFEST` and its signature, into ``folder``; the manifest's path."""
    (folder / ALLOWED_SIGNERS).write_text(key.public.allowed_signers, encoding="ascii")
    manifest = folder / MANIFEST
    manifest.write_text(manifest_text(folder), encoding="utf-8")
    sign_file(key, manifest, folder / (MANIFEST + SIGNATURE))
    return manifest


# --- Checking a copy


@dataclass(frozen=True)
class Verified:
    """A copy that passed: how many files its manifests list, and the key that signed it."""

    target: Path
    files: int
    key: PublicKey


def _parse_manifest(text: str) -> tuple[dict[str, str], list[int]]:
    """(file → SHA-256, numbers of the lines that are not ``<64 hex>  <name>``)."""
    listed, bad = {}, []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if match is None:
            bad.append(number)
        else:
            listed[match.group(2)] = match.group(1)
    return listed, bad


def _check_tree(names: list[str], read: Callable[[str], bytes], public: PublicKey) -> tuple[list[Problem], int]:
    """Problems of the files ``names`` (read with ``read``) against the signed manifests among them; and
    how many files the manifests list. A manifest inside another's folder is one of its files (the
    archive of every version has one per version and one over them all)."""
    present = set(names)
    manifests = sorted(name for name in names if posixpath.basename(name) == MANIFEST)
    prefixes = [posixpath.dirname(name) + "/" if "/" in name else "" for name in manifests]
    tops = [prefix for prefix in prefixes
            if not any(prefix != other and prefix.startswith(other) for other in prefixes)]
    if not tops:
        return [("", f"not signed: no {MANIFEST} in it")], 0
    problems: list[Problem] = []
    listed_count = 0
    for prefix in tops:
        manifest = prefix + MANIFEST
        signature = manifest + SIGNATURE
        try:
            text = read(manifest)
            problem = signature_problem(text, read(signature) if signature in present else None, public,
                                        (manifest, signature))
        except (OSError, zipfile.BadZipFile, zlib.error) as exc:
            problems.append((manifest, f"damaged, cannot be read: {exc}"))
            continue
        if problem:
            problems.append(problem)
        listed, bad = _parse_manifest(text.decode("utf-8", "replace"))
        problems += [(f"{manifest}:{number}", "not a line of a manifest ('<sha256>  <file>')") for number in bad]
        listed_count += len(listed)
        here = {name[len(prefix):] for name in names if name.startswith(prefix)}
        for name in sorted(here | set(listed)):
            if _unlisted(name):
                continue
            if name not in here:
                problems.append((prefix + name, "removed (the signed manifest lists it)"))
            elif name not in listed:
                problems.append((prefix + name, "added (not in the signed manifest)"))
            else:
                try:
                    if _hash(read(prefix + name)) != listed[name]:
                        problems.append((prefix + name, "changed after signing (its SHA-256 is not the signed one)"))
                except (OSError, zipfile.BadZipFile, zlib.error) as exc:
                    problems.append((prefix + name, f"damaged, cannot be read: {exc}"))
    problems += [(name, "added (outside the signed folders)") for name in sorted(present)
                 if not any(name.startswith(prefix) for prefix in tops)]
    return problems, listed_count


def _files_of(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def verify_folder(folder: Path, public: PublicKey) -> Verified:
    """Check a site, an unzipped bundle or the unzipped archive of every version against its signed manifest(s).

    Raises:
        VerifyError: every changed, added or removed file, a missing or foreign signature.
    """
    problems, files = _check_tree(_files_of(folder), lambda name: (folder / name).read_bytes(), public)
    if problems:
        raise VerifyError(folder, [f"{folder / name if name else folder}: {what}" for name, what in problems])
    return Verified(folder, files, public)


def verify_zip(bundle: Path, public: PublicKey) -> Verified:
    """Check a zip against ``<zip>.sig``, and each file in it against the signed manifest inside.

    Raises:
        VerifyError: the files that changed, were added or removed; or the zip itself changed, is signed
            with another key, or is not signed.
    """
    signature = bundle.with_name(bundle.name + SIGNATURE)
    try:
        data = bundle.read_bytes()
        signed = signature.read_bytes() if signature.is_file() else None
    except OSError as exc:
        raise VerifyError(bundle, [f"{bundle}: cannot be read: {exc.strerror or exc}"]) from None
    if signed is None:
        raise VerifyError(bundle, [f"{bundle}: not signed: no {signature.name} beside it"])
    problems: list[Problem]
    try:
        with zipfile.ZipFile(bundle) as archive:
            entries = [info.filename for info in archive.infolist() if not info.is_dir()]
            problems, files = _check_tree(entries, archive.read, public)
    except (zipfile.BadZipFile, OSError) as exc:
        problems, files = [("", f"not a readable zip: {exc}")], 0
    zip_problem = signature_problem(data, signed, public, ("", signature.name))
    lines = [f"{bundle}: {name + ': ' if name else ''}{what}" for name, what in problems]
    if zip_problem:
        name, what = zip_problem
        if not name and not problems:
            what += "; every file in it still matches the signed manifest: the zip itself changed"
        lines.append(f"{signature if name else bundle}: {what}")
    if lines:
        raise VerifyError(bundle, lines)
    return Verified(bundle, files, public)


def verify(target: Path, public_key: Path) -> Verified:
    """Check ``target`` against the public key in ``public_key``: a zip (with ``<zip>.sig`` beside it), a
    bundle folder holding one, or a folder with a signed manifest (a site, an unzipped bundle).

    Raises:
        SignError: the public key cannot be read.
        VerifyError: the copy is not signed, signed with another key, or changed.
    """
    public = read_public_key(public_key)
    if target.is_dir():
        zips = sorted(target.glob("*.zip"))
        if not any(target.rglob(MANIFEST)) and len(zips) == 1:
            return verify_zip(zips[0], public)
        return verify_folder(target, public)
    if not target.exists():
        raise VerifyError(target, [f"{target}: no such file or folder"])
    return verify_zip(target, public)


def configured_public_key(config_file: Path) -> Path:
    """The public key the playbook plugin of ``config_file`` names (``public_key``), else ``signing.pub``
    beside it; read without MkDocs, which checking a copy does not need."""
    setting = playbook_plugin_setting(config_file, "public_key") or DEFAULT_PUBLIC_KEY
    return config_file.parent / setting
