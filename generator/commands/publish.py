"""Publishing versions with mike, and an offline archive of every published version.

mike keeps each version in its own folder of a git branch (default ``gh-pages``), for a web
server. Aliases are made as copies, not symbolic links: FAT and exFAT USB sticks and Windows'
unzip lose links. mike's version selector and root redirect need a web server; under
``file://`` neither works, so the offline archive carries its own index page that links each
version's ``index.html``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import (
    bundle_path,
    install_bundle_pair,
    one_build_at_a_time,
    remove_staged,
    sign_bundle,
    slugify,
    write_bundle_pair,
)
from ..csp import policy
from ..errors import PublishError, VerifyError, excerpt
from ..escape import html_attribute, html_text
from ..git import branch_archive, is_branch_name, is_checkout, is_safe_name
from ..paths import check_output_folder
from ..plugin import EDITION_VARIABLE
from ..schema import Edition
from ..sign import MANIFEST, SIGNING_VARIABLE, SigningKey, sign_folder, signing_key, verify_folder


@dataclass(frozen=True)
class Published:
    branch: str
    default: str
    archive: Path
    #: The key the version, the archive's versions and the archive were signed with; None when not signed.
    fingerprint: str | None = None
    #: Versions and aliases on the branch that carry no signature of their own (published before signing).
    unsigned: tuple[str, ...] = ()


def _run(command: list[str], cwd: Path, edition: Edition = "public", key: SigningKey | None = None) -> str:
    bin_dir = Path(sys.executable).parent  # mike runs `mkdocs` as a program: it must be on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "NO_MKDOCS_2_WARNING": "1",
           EDITION_VARIABLE: edition}
    env.pop(SIGNING_VARIABLE, None)  # mike's build signs with the key given here, or not at all
    if key is not None:
        env[SIGNING_VARIABLE] = str(key.path.absolute())
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PublishError(f"{command[0]}: {exc}") from None
    if done.returncode != 0:
        detail = "\n".join(line for line in (done.stderr or done.stdout).splitlines() if line.strip())
        raise PublishError(f"{Path(command[0]).name} {command[1]} failed:\n{detail}")
    return done.stdout


def _mike() -> str:
    installed = Path(sys.executable).parent / "mike"
    return str(installed) if installed.exists() else "mike"


INDEX = """<!doctype html>
<html lang="en">
<head><meta http-equiv="Content-Security-Policy" content="{policy}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
a{{font-weight:bold}}li{{margin:.6rem 0}}</style>
</head>
<h1>{title}</h1>
<p>Open a version. This folder works from a USB stick or a laptop with no network.</p>
<ul>
{items}
</ul>
</html>
"""


def archive_index(versions: list[dict[str, Any]], title: str) -> str:
    """The archive's own index page: one link per version (and alias) to its index.html."""
    items = []
    for entry in versions:
        version = str(entry["version"])
        aliases = [str(a) for a in entry.get("aliases") or []]
        links = [f'<a href="{html_attribute(version)}/index.html">Version {html_text(version)}</a>']
        links += [f'<a href="{html_attribute(a)}/index.html">{html_text(a)}</a>' for a in aliases]
        items.append(f"<li>{' · '.join(links)}</li>")
    return INDEX.format(title=html_text(title), items="\n".join(items), policy=policy(()))


_THEME_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)


def without_version_selector(page: str) -> str:
    """A published page without Material's version selector: under file:// it cannot load mike's
    versions.json (the browser refuses, with a console error); the archive's index page lists the versions."""
    def drop_version(match: re.Match[str]) -> str:
        settings = json.loads(match.group(2))
        settings.pop("version", None)
        return match.group(1) + json.dumps(settings).replace("<", "\\u003c") + match.group(3)

    return _THEME_CONFIG.sub(drop_version, page, count=1)


#: A published version or alias: 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or
#: digit (3.1, 2026-03, latest). It names a folder on the branch and in the archive, and reaches mike.
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
#: Files mike keeps at the root of the branch; a version of the same name would replace them.
RESERVED_NAMES = frozenset({"versions.json", "index.html", "404.html"})


def check_names(project: Path, version: str, aliases: list[str], branch: str, remote: str) -> None:
    """Refuse a version, alias, branch or remote that is not a plain name.

    Raises:
        PublishError: naming the first value refused, and what is accepted.
    """
    for kind, name in [("version", version), *(("alias", alias) for alias in aliases)]:
        if not VERSION_NAME.fullmatch(name) or name.lower() in RESERVED_NAMES:
            raise PublishError(f"{kind} {excerpt(name, 50)} is refused: a version or alias is 1 to 40 letters, digits, "
                               "'.', '_' or '-', starting with a letter or digit (e.g. 3.1, 2026-03, latest)")
    if len({version, *aliases}) != 1 + len(aliases):
        raise PublishError(f"version {excerpt(version)} and its aliases must all differ")
    if not is_branch_name(project, branch):
        raise PublishError(f"--branch {excerpt(branch)} is not a valid git branch name")
    if not is_safe_name(remote):
        raise PublishError(f"--remote {excerpt(remote)} is not a remote name or address")


#: mike's temporary copy of mkdocs.yml (NamedTemporaryFile: prefix, eight random characters, suffix).
MIKE_LEFTOVER = re.compile(r"mike-mkdocs[a-z0-9_]{8}\.yml")


def remove_leftovers(project: Path, dist: Path) -> None:
    """What a publish killed midway leaves: mike's temporary configuration, staged archives."""
    for path in project.glob("mike-mkdocs*.yml"):
        if MIKE_LEFTOVER.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
    remove_staged(dist)


#: Why the internal edition is never published: no edition protects its private values on a served branch yet.
INTERNAL_REFUSED = (
    "publishing the internal edition is refused: it carries private contact details, and a published branch is "
    "served to whoever can reach the Pages site. Publish the public edition (the default), and hand out the "
    "internal edition as the signed offline bundle (playbook build --sign KEY)")


def _signing(project: Path, plugin: Any, key_file: Path | None) -> SigningKey | None:
    """The key to sign with, checked against the committed public key. With a public key committed, the
    pages say releases are signed: publishing without the private key is refused.

    Raises:
        PublishError: a public key is committed and no signing key is given.
        SignError: the signing key cannot be used.
    """
    public = project / plugin.config.public_key
    if key_file is None:
        if public.exists():
            raise PublishError(f"{public.name}: releases of this playbook are signed (its pages name that key); "
                               f"give the private key with --sign KEY or ${SIGNING_VARIABLE}")
        return None
    return signing_key(key_file, public)


def _check_versions(folder: Path, names: list[str], key: SigningKey, branch: str) -> tuple[list[str], list[str]]:
    """(versions and aliases signed with ``key``, those not signed) in the extracted ``branch``, before
    the archive changes their pages; re-signed after. A changed version is never signed over.

    Raises:
        PublishError: a version's files changed after it was signed, or another key signed it.
    """
    signed, unsigned = [], []
    for name in names:
        if not (folder / name / MANIFEST).is_file():
            unsigned.append(name)
            continue
        try:
            verify_folder(folder / name, key.public)
        except VerifyError as exc:
            raise PublishError(f"branch {branch}: version {name} is not as it was signed, so the archive is not "
                               f"signed over it; find out who changed the branch (if the key was replaced on "
                               f"purpose, publish that version again):\n{exc}") from None
        signed.append(name)
    return signed, unsigned


def publish(config_file: Path, version: str, aliases: list[str], *, branch: str = "gh-pages",
            push: bool = False, remote: str = "origin", dist_dir: Path | None = None,
            edition: Edition = "public", signing_key: Path | None = None) -> Published:
    """Deploy the site as ``version`` (with ``aliases``) to ``branch``, make it the default, and
    write the offline archive of every version on the branch.

    A published branch is for a web server: it carries the public edition, whatever mkdocs.yml builds
    by default; the internal edition is refused. With ``signing_key`` the version's site is signed
    (its manifest), and so are each version in the archive and the archive itself.

    Raises:
        PublishError: mike or git failed (not a git checkout, a push refused…), the internal edition,
            or an unsigned publish of a playbook whose releases are signed.
        SignError: the signing key cannot be used.
    """
    if edition != "public":
        raise PublishError(INTERNAL_REFUSED)
    project = config_file.resolve().parent
    if not is_checkout(project):
        raise PublishError(f"{project} is not a git checkout; mike publishes to a branch of one "
                           "(git init, commit the playbook, then publish)")
    check_names(project, version, aliases, branch, remote)
    dist = dist_dir or project / "dist"
    check_output_folder(dist, project, "dist", "archive folder")
    with one_build_at_a_time(project, dist):
        return _publish(config_file, project, dist, version, aliases, branch=branch, push=push, remote=remote,
                        edition=edition, signing_key=signing_key)


def _publish(config_file: Path, project: Path, dist: Path, version: str, aliases: list[str], *, branch: str,
             push: bool, remote: str, edition: Edition, signing_key: Path | None) -> Published:
    """:func:`publish`, its names checked, while it holds the build lock of the project and ``dist``."""
    from mkdocs.config import load_config  # only when publishing

    remove_leftovers(config_file.absolute().parent, dist)
    config = load_config(str(config_file))
    plugin = config.plugins.get("playbook")
    if plugin is None:
        raise PublishError(f"{config_file}: the 'playbook' plugin is not enabled in this configuration")
    from .. import open_playbook

    organisation = open_playbook(project / plugin.config.playbook).playbook.document.organisation
    key = _signing(project, plugin, signing_key)
    remote_args = ["--push", "--remote", remote] if push else []
    _run([_mike(), "deploy", "--config-file", str(config_file), "--branch", branch, "--alias-type", "copy",
          "--update-aliases", *remote_args, "--", version, *aliases], project, edition, key)
    default = aliases[0] if aliases else version
    _run([_mike(), "set-default", "--config-file", str(config_file), "--branch", branch, *remote_args, "--", default],
         project)

    name = f"{slugify(organisation)}-all-versions-offline"
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "branch.tar"
        if not branch_archive(project, branch, tree):
            raise PublishError(f"git archive of branch {branch} failed")
        folder = Path(scratch) / name
        with tarfile.open(tree) as tar:
            tar.extractall(folder, filter="data")
        versions = json.loads((folder / "versions.json").read_text(encoding="utf-8"))
        published = [str(n) for entry in versions for n in [entry["version"], *(entry.get("aliases") or [])]]
        signed, unsigned = _check_versions(folder, published, key, branch) if key else ([], [])
        (folder / "index.html").write_text(archive_index(versions, f"{organisation} crisis playbook"),
                                           encoding="utf-8")
        (folder / ".nojekyll").unlink(missing_ok=True)  # for GitHub Pages only
        for page in folder.rglob("*.html"):
            page.write_text(without_version_selector(page.read_text(encoding="utf-8")), encoding="utf-8")
        if key:
            for signed_version in signed:  # their pages changed just above, after their signatures were checked
                sign_folder(folder / signed_version, key)
            sign_folder(folder, key)  # the index page, versions.json, and every version in one manifest
        archive = bundle_path(dist, name)
        # The zip, its checksum and signature staged in one folder, which replaces dist/<name>/ in one step:
        # two renames (zip, then checksum) left the new zip with the old checksum when killed between them.
        staged = write_bundle_pair(folder, name, archive)
        try:
            if key:
                sign_bundle(staged, archive.name, key)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        install_bundle_pair(staged, archive)
    return Published(branch, default, archive, key.public.fingerprint if key else None,
                     tuple(unsigned) if key else ())
