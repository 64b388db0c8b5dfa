"""Stage 5: the whole site and its offline bundle, built so that failure never damages the last good one.

MkDocs builds into a fresh directory beside ``site/``; the zip and its checksum are written
into a fresh folder beside ``dist/<name>/``. Only when everything succeeded are the old outputs
replaced, each folder in one step. A failed build removes its temporary files and leaves ``site/``
and ``dist/`` as they were.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import logging
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BuildError, PlaybookError, SignError, system_error_text
from .multilingual import build_other_languages
from .paths import MARKER, MARKER_TEXT, check_output_folder, check_site_folder, setting_line
from .protect import Sealer, derive, seal_site
from .schema import Edition
from .sign import ALLOWED_SIGNERS, SIGNATURE, SigningKey, sign_file, sign_folder, signature_problem


class _ErrorCollector(logging.Handler):
    """Keeps the errors MkDocs logs during a build, so they can travel in the BuildError."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class Built:
    site: Path
    bundle: Path
    checksum: Path
    #: The bundle's signature, and the fingerprint of the key that made it; None when not signed.
    signature: Path | None = None
    fingerprint: str | None = None
    #: The fingerprint of the committed public key, when there is one (releases are to be signed with it).
    public_key: str | None = None
    #: The languages the site was built in, the first at its root (multilingual.py); empty: one language.
    languages: tuple[str, ...] = ()


#: File names are made of two slugs and a suffix; most file systems allow 255 bytes in a name.
SLUG_LIMIT = 80


def file_stem(organisation: str, version: str) -> str:
    """The start of every file named after a playbook: ``danubia-pay-ag-3-1`` (bundle, PDF)."""
    return f"{slugify(organisation)}-{slugify(version)}"


def bundle_name(organisation: str, version: str, *, public: bool, protected: bool = False) -> str:
    """The offline bundle's folder and zip name: ``danubia-pay-ag-3-1-offline`` (``…-public-offline``,
    ``…-protected-offline``)."""
    return f"{file_stem(organisation, version)}{'-public' if public else ''}{'-protected' if protected else ''}-offline"


def slugify(text: str) -> str:
    """``Danubia Pay AG`` → ``danubia-pay-ag`` (accents dropped, ASCII only, at most SLUG_LIMIT long)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower())[:SLUG_LIMIT].strip("-") or "playbook"


#: The zip's deflate level. Level 3: half the time of the default level 6 for about 13% more bytes (measured on
#: the example). Level 2 was measured against it (zlib 1.2.13, CPU, median of 7, the same site): 1x 0.045 -> 0.038 s
#: for 1.03 -> 1.07 MB; 16x 0.222 -> 0.204 s for 5.28 -> 5.48 MB (+4 %): 18 ms of a 14 s build, not worth the bytes.
BUNDLE_LEVEL = 3


def _zip_time() -> tuple[int, int, int, int, int, int]:
    """Entry timestamps: the build time, which is SOURCE_DATE_EPOCH when that is set."""
    from mkdocs.utils import get_build_datetime

    return max(get_build_datetime().timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # the zip format starts in 1980


def write_bundle(site: Path, folder_name: str, target: Path) -> str:
    """Zip ``site`` into ``target`` under one top folder, in a fixed order; atomically. Returns the zip's SHA-256
    (hex), of the very bytes written: the zip is made in memory (a few MB; 20 MB at 64x the example), hashed,
    then written, rather than written and read back to be hashed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = _zip_time()
    made = io.BytesIO()
    with zipfile.ZipFile(made, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=BUNDLE_LEVEL) as bundle:
        for path in sorted(p for p in site.rglob("*") if p.is_file() and p.name != MARKER):
            info = zipfile.ZipInfo(f"{folder_name}/{path.relative_to(site).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, path.read_bytes(), compresslevel=BUNDLE_LEVEL)
    written = made.getbuffer()
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(written)
    partial.replace(target)
    return hashlib.sha256(written).hexdigest()


def write_checksum(digest: str, target: Path, name: str) -> None:
    """Write to ``target`` the checksum ``digest`` (SHA-256, hex) as ``sha256sum -c`` reads it, for the file
    ``name``."""
    target.write_text(f"{digest}  {name}\n", encoding="utf-8")


def bundle_matches(bundle: Path, checksum: Path, name: str | None = None) -> bool:
    """True when ``checksum`` (``sha256sum -c`` format) is the checksum of ``bundle``, under ``name``
    (default: the bundle's own)."""
    try:
        expected = checksum.read_text(encoding="utf-8")
        digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    except OSError:
        return False
    return expected == f"{digest}  {name or bundle.name}\n"


def bundle_path(dist: Path, name: str) -> Path:
    """Where the bundle ``name`` lives: ``dist/<name>/<name>.zip``, its checksum beside it. One folder
    per bundle, so that the zip and its checksum are replaced together, by one rename."""
    return dist / name / f"{name}.zip"


def checksum_path(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + ".sha256")


def sign_bundle(staged: Path, zip_name: str, key: SigningKey) -> Path:
    """Sign the zip ``zip_name`` in the staged folder: ``<zip>.sig``, and ``<zip>.allowed_signers`` for
    ``ssh-keygen -Y verify -f``; the signature read back before the folder is put in place. The
    signature's path.

    Raises:
        SignError: ssh-keygen could not sign, or what it wrote does not verify.
    """
    zip_file = staged / zip_name
    signature = zip_file.with_name(zip_file.name + SIGNATURE)
    sign_file(key, zip_file, signature)
    zip_file.with_name(zip_file.name + "." + ALLOWED_SIGNERS).write_text(key.public.allowed_signers, encoding="ascii")
    problem = signature_problem(zip_file.read_bytes(), signature.read_bytes(), key.public, ("", signature.name))
    if problem:
        raise SignError(f"{zip_file}: {problem[1]}")
    return signature


def write_bundle_pair(site: Path, folder_name: str, bundle: Path) -> Path:
    """Zip ``site`` and checksum it into a staging folder beside ``bundle``'s folder; the staging folder."""
    bundle.parent.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{bundle.parent.name}-new-", dir=bundle.parent.parent))
    try:
        staged.chmod(new_directory_mode())
        # The checksum is of the bytes as they were written; install_bundle_pair reads the pair back once it is
        # in place, so what dist/ holds is what is checked.
        write_checksum(write_bundle(site, folder_name, staged / bundle.name), checksum_path(staged / bundle.name),
                       bundle.name)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def verify_bundle(bundle: Path) -> Path:
    """Check that ``bundle`` and its ``.sha256`` match; the checksum's path.

    Raises:
        BuildError: they do not (or one is missing), said in one line.
    """
    checksum = checksum_path(bundle)
    if not bundle_matches(bundle, checksum):
        raise BuildError(f"{bundle}: does not match {checksum.name}; was another build running? Build again")
    return checksum


def install_bundle_pair(staged: Path, bundle: Path) -> Path:
    """Put a staged bundle folder in place of ``bundle``'s folder in one step (the zip and its checksum
    together: see replace_directory), then read the pair back. Returns the checksum's path.

    Raises:
        BuildError: what was read back does not match (another process wrote the same bundle).
    """
    replace_directory(staged, bundle.parent)
    return verify_bundle(bundle)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step (Linux ``renameat2``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0)


def replace_directory(new: Path, final: Path) -> None:
    """Put ``new`` (named ``.<final>-new-…``) where ``final`` is. Where the system can (Linux), the two
    are exchanged atomically, so a kill leaves either the old ``final`` or the new one, whole. Elsewhere
    by two renames: a kill between them leaves ``final`` missing (its old content in ``.<final>-old-…``,
    the new in ``.<final>-new-…``) until the next run, which removes both and builds again."""
    if not final.exists():
        new.rename(final)
    elif _exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # now holds the old site
    else:
        old = new.with_name(new.name.replace("-new-", "-old-"))
        final.rename(old)
        new.rename(final)
        shutil.rmtree(old, ignore_errors=True)


def new_directory_mode() -> int:
    """The mode ``mkdir`` gives a new directory under the current umask (as ``mkdocs build`` gives site/)."""
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o777 & ~umask


def remove_staged(dist: Path) -> None:
    """Staged bundle folders (``.name-new-…``) and replaced ones (``.name-old-…``) of a build or
    publish that was killed before it could clean up."""
    for pattern in (".*-new-*", ".*-old-*"):
        for leftover in dist.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def zensical_temporary_prefix(site: Path) -> str:
    """The name start of a temporary Zensical work folder beside ``site`` (engines.work_folder, with
    $PLAYBOOK_NO_CACHE set); :func:`_remove_leftovers` removes those a killed build left."""
    return f".{site.name}-zensical-"


#: The folders this process holds the build lock of (:func:`one_build_at_a_time`), each with how many hold it.
_HELD: dict[Path, int] = {}


@contextmanager
def one_build_at_a_time(*folders: Path) -> Iterator[None]:
    """While a build or publish stages its site and bundle beside ``folders`` (the site folder's parent, dist/):
    no other one does, so none takes another's staging folders for a killed build's leftovers, and two bundles
    are never installed into one folder at once. A second one waits, and says so. The lock is on each folder
    itself (on the nearest that exists: nothing is made for it); the same process may take it again. Where the
    system or the file system has no file locks (Windows, some network file systems), builds are not kept
    apart, as before."""
    try:
        import fcntl  # noqa: F401  (only whether the system has file locks)
    except ImportError:
        yield
        return
    targets = sorted({_nearest_folder(folder) for folder in folders})  # always in one order: no deadlock
    descriptors: list[tuple[Path, int]] = []
    try:
        for target in targets:
            if _HELD.get(target):
                _HELD[target] += 1
                descriptors.append((target, -1))
                continue
            try:
                descriptor = os.open(target, os.O_RDONLY)
            except OSError:  # a folder that may be written but not read: not kept apart, as on Windows
                continue
            descriptors.append((target, descriptor))
            try:
                wait_for_lock(descriptor, f"Waiting for another build or publish into {target} to end...")
            except OSError:  # a file system without locks (some network and FUSE ones): not kept apart either
                continue
            _HELD[target] = 1
        yield
    finally:
        for target, descriptor in reversed(descriptors):
            if _HELD.get(target):
                _HELD[target] -= 1
                if not _HELD[target]:
                    del _HELD[target]
            if descriptor >= 0:
                os.close(descriptor)  # and the lock with it


def wait_for_lock(descriptor: int, waiting: str) -> None:
    """An exclusive lock (flock) on ``descriptor``: at once where it is free, else after saying ``waiting`` on
    standard error, once the process that holds it lets it go."""
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.stderr.write(f"{waiting}\n")
        sys.stderr.flush()
        fcntl.flock(descriptor, fcntl.LOCK_EX)


def _nearest_folder(path: Path) -> Path:
    """``path`` resolved, or its nearest parent that is a folder."""
    path = path.resolve()
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def _remove_leftovers(site: Path, dist: Path) -> None:
    """Staging files of builds that were killed before they could clean up."""
    for prefix in (f".{site.name}-new-", zensical_temporary_prefix(site)):
        for leftover in site.parent.glob(f"{prefix}*"):
            shutil.rmtree(leftover, ignore_errors=True)
    remove_staged(dist)


@contextmanager
def _mkdocs_errors() -> Iterator[None]:
    """MkDocs' logged errors, and its exceptions, as one BuildError that carries them."""
    from mkdocs import exceptions as mkdocs_exceptions

    errors = _ErrorCollector()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(errors)
    try:
        yield
    except mkdocs_exceptions.MkDocsException as exc:
        # MkDocs logs the cause, then raises a generic "Aborted with …" exception.
        generic = re.sub(r"^Aborted with a BuildError!$", "", str(exc)).strip()
        raise BuildError("\n".join([*errors.messages, generic]).strip() or "the build failed") from None
    finally:
        mkdocs_logger.removeHandler(errors)


def configured(config_file: Path, *, strict: bool | None, edition: str | None, signing_key: Path | None,
               protection: Sealer | None, language: str | None, loaded: Any = None) -> tuple[Any, Any]:
    """``mkdocs.yml`` loaded, and its playbook plugin set for this build (edition, language, signing key,
    sealing): the start of a build with either engine. Call it inside :func:`_mkdocs_errors`.
    ``loaded``: mkdocs.yml as :func:`_settings` already loaded it (with ``strict``), used instead of loading
    it again; each load makes new plugin objects, so one loaded configuration serves one build only."""
    from mkdocs.config import load_config

    config = loaded if loaded is not None else load_config(str(config_file), strict=strict)
    plugin = config.plugins.get("playbook")
    if plugin is None:
        raise BuildError(f"{config_file}: the 'playbook' plugin is not enabled in this configuration")
    if edition is not None:
        plugin.config.edition = edition
    if language is not None:
        plugin.config.language = language
    plugin.signing_key_path = signing_key
    plugin.protection = protection
    return config, plugin


def build_into(config_file: Path, directory: Path, *, strict: bool | None = None,
               edition: Edition | None = None, signing_key: Path | None = None,
               protection: Sealer | None = None, language: str | None = None,
               site_languages: tuple[str, ...] = (), every_language: bool = False, loaded: Any = None) -> Any:
    """Build the site into ``directory`` and return the playbook plugin, which holds the model.

    ``strict`` and ``edition`` are None when not given: mkdocs.yml's settings then apply.
    ``signing_key``: the private key that signs the site's manifest (else $PLAYBOOK_SIGNING_KEY, if set).
    ``protection``: the key the protected edition is sealed with (see protect.py); None for a site in clear.
    ``language``: the site's own words in this language (BCP 47), over mkdocs.yml's and the playbook's.
    ``every_language``: this build is the first of a site in several languages, whose others follow;
    ``site_languages``: set for those others (multilingual.py). ``loaded``: see :func:`configured`.

    Raises:
        BuildError: MkDocs refused the configuration or the build failed.
    """
    # MkDocs is imported here, not at the top: `playbook validate` must stay fast without it.
    from mkdocs.commands import build as mkdocs_build

    from .conversions import in_two
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner on every run
    with _mkdocs_errors():
        config, plugin = configured(config_file, strict=strict, edition=edition, signing_key=signing_key,
                                    protection=protection, language=language, loaded=loaded)
        plugin.site_languages = site_languages
        plugin.every_language = every_language
        plugin.speculate = True  # MkDocs reads the pages before it writes anything: see PlaybookPlugin.speculate
        config["site_dir"] = str(directory)
        with in_two():  # `playbook build`: its pages converted on two cores
            mkdocs_build.build(config)
    return plugin


def site_dir(config_file: Path) -> Path:
    """Where the configuration puts the site."""
    return _settings(config_file)[0]


def _settings(config_file: Path, strict: bool | None = None) -> tuple[Path, str, Any]:
    """Where the configuration puts the site, the engine its playbook plugin names (else MkDocs), and the
    configuration itself, loaded with ``strict``: the build goes on with it rather than loading mkdocs.yml
    a second time (a few tens of milliseconds)."""
    from mkdocs.config import load_config

    from .engines import DEFAULT_ENGINE

    with _mkdocs_errors():
        config = load_config(str(config_file), strict=strict)
    plugin = config.plugins.get("playbook")
    return Path(config.site_dir), str(plugin.config.engine) if plugin is not None else DEFAULT_ENGINE, config


def build(config_file: Path, *, dist_dir: Path | None = None, strict: bool | None = None,
          edition: Edition | None = None, signing_key: Path | None = None, passphrase: str | None = None,
          language: str | None = None, engine: str | None = None) -> Built:
    """Build the site described by ``config_file`` (mkdocs.yml) and its offline bundle.

    ``edition`` ("internal" or "public") overrides the plugin's setting; the public bundle's name
    says so. With ``signing_key`` (or $PLAYBOOK_SIGNING_KEY) the site's manifest and the zip are signed,
    in the staging folders, so the last good site and bundle are replaced only by signed ones. With
    ``passphrase`` the site is the protected edition (protect.py), its bundle named ``…-protected-offline``.
    ``engine``: "mkdocs" or "zensical" (engines.py); None: the plugin's ``engine:`` setting, else MkDocs.

    Raises:
        BuildError: MkDocs refused the configuration, the build failed, or a file could not be
            written (a full disk, a read-only folder: said in one line); the passphrase was refused.
    """
    protection = derive(passphrase) if passphrase is not None else None  # before anything is touched
    try:
        return _build(config_file, dist_dir=dist_dir, strict=strict, edition=edition, signing_key=signing_key,
                      protection=protection, language=language, engine=engine)
    except OSError as exc:
        raise BuildError(system_error_text(exc)) from None


def build_with_zensical(config_file: Path, directory: Path, *, strict: bool | None = None,
                        edition: Edition | None = None, signing_key: Path | None = None,
                        protection: Sealer | None = None, language: str | None = None, loaded: Any = None) -> Any:
    """What :func:`build_into` does, with Zensical as the engine (engines.py): the playbook's pages written
    to the project's kept work folder (engines.work_folder), built, finished, checked, then sealed and signed into
    ``directory``. Returns the plugin that generated the pages.

    Raises:
        BuildError: as build_into; or Zensical's site does not meet a guarantee (named in the message).
    """
    from . import engines

    if protection is not None:
        raise BuildError("--engine zensical: the protected edition (--protect) is built with MkDocs only: Zensical "
                         "writes its search index where the sealing does not reach (search.js, search.json), so "
                         "it would stay readable without the passphrase. Build with --engine mkdocs.")
    config, plugin = engines.configure(config_file, strict=strict, edition=edition, signing_key=signing_key,
                                       protection=protection, language=language, loaded=loaded)
    engines.refuse_several_languages(plugin)  # before the work folder is made
    with engines.work_folder(config_file.resolve().parent, Path(config.site_dir), str(plugin.config.edition),
                             plugin.language.tag) as work:
        prepared = engines.prepare(config_file, work, configured=(config, plugin))
        built = engines.zensical_build(prepared, strict=prepared.strict)
        engines.finish(prepared, built)
        problems = engines.zensical_problems(built, checked=work / engines.CHECKED)
        if problems:
            raise BuildError("--engine zensical: the site Zensical built does not meet these guarantees, so it "
                             "was not used:\n  " + "\n  ".join(problems) + "\n  Build with --engine mkdocs.")
        for item in built.iterdir():
            shutil.move(str(item), directory / item.name)
    try:
        if protection is not None:
            seal_site(directory, protection)
        if plugin.signing is not None:
            sign_folder(directory, plugin.signing)
    except (PlaybookError, OSError) as exc:
        raise BuildError(str(exc)) from None
    return plugin


def _build(config_file: Path, *, dist_dir: Path | None, strict: bool | None, edition: Edition | None,
           signing_key: Path | None, protection: Sealer | None, language: str | None = None,
           engine: str | None = None) -> Built:
    project = config_file.resolve().parent
    dist = dist_dir or project / "dist"
    final_site, configured_engine, loaded = _settings(config_file, strict)
    check_site_folder(final_site, project, setting_line(config_file, "site_dir"))
    check_output_folder(dist, project, "dist", "bundle folder")
    final_site.parent.mkdir(parents=True, exist_ok=True)
    with one_build_at_a_time(final_site.parent, dist):
        return _staged_build(config_file, final_site, dist, configured_engine, loaded, strict=strict, edition=edition,
                             signing_key=signing_key, protection=protection, language=language, engine=engine)


def _staged_build(config_file: Path, final_site: Path, dist: Path, configured_engine: str, loaded: Any, *,
                  strict: bool | None, edition: Edition | None, signing_key: Path | None, protection: Sealer | None,
                  language: str | None, engine: str | None) -> Built:
    """The build in a staging folder, which replaces the last good site only when it got through (the caller
    holds the build lock)."""
    _remove_leftovers(final_site, dist)
    staging = Path(tempfile.mkdtemp(prefix=f".{final_site.name}-new-", dir=final_site.parent))
    staging.chmod(new_directory_mode())  # mkdtemp's 0700 would lock out the web server and colleagues
    try:
        if (engine or configured_engine) == "zensical":
            plugin = build_with_zensical(config_file, staging, strict=strict, edition=edition,
                                         signing_key=signing_key, protection=protection, language=language,
                                         loaded=loaded)
        else:
            plugin = build_into(config_file, staging, strict=strict, edition=edition, signing_key=signing_key,
                                protection=protection, language=language, every_language=True, loaded=loaded)
            build_other_languages(plugin, staging, lambda tag, folder: build_into(
                config_file, folder, strict=strict, edition=edition, signing_key=signing_key, protection=protection,
                language=tag, site_languages=plugin.site_languages))
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        document = plugin.playbook.document
        name = bundle_name(document.organisation, document.version, public=plugin.config.edition == "public",
                           protected=protection is not None)
        bundle = bundle_path(dist, name)
        staged = write_bundle_pair(staging, name, bundle)
        key = plugin.signing
        signature = sign_bundle(staged, bundle.name, key) if key else None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        remove_staged(dist)
        raise
    replace_directory(staging, final_site)
    checksum = install_bundle_pair(staged, bundle)
    return Built(final_site, bundle, checksum, signature=signature and bundle.with_name(signature.name),
                 fingerprint=key.public.fingerprint if key else None,
                 public_key=plugin.public_key.fingerprint if plugin.public_key else None,
                 languages=plugin.site_languages)
