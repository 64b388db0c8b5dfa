"""The protected edition: a built site whose every page, search index and incident-tool data is sealed
with a key made from a passphrase, so that a lost USB stick gives nothing away to whoever finds it.

At build time scrypt (``hashlib``, OpenSSL's) derives a 256-bit key from the passphrase and a salt drawn
for this build; after MkDocs has written the site, :func:`seal_site` seals each file with AES-256-GCM
(``cryptography``), each with its own random nonce, and puts in place of every page a neutral
"Protected playbook" page holding the sealed original. In the browser ``assets/playbook/protect.js``
derives the same key with the vendored scrypt-js (Web Crypto has no memory-hard KDF), opens the page
with Web Crypto's AES-GCM, and writes it in place of the lock page. The key is kept in the tab's
``sessionStorage`` (never ``localStorage``), so the next page opens without asking again, and closing
the tab forgets it. A wrong passphrase fails GCM's authentication check: nothing is shown.

Not sealed (the README says so): the theme's own files, the organisation's and version's slugs in the
bundle's name, the number and sizes of the files, and what the team enters in the incident tools,
which stays in the browser's ``localStorage`` on the computer used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .escape import html_attribute

#: Where `playbook build --protect` reads the passphrase from, when it is set (else it asks).
PASSPHRASE_VARIABLE = "PLAYBOOK_PASSPHRASE"
#: The rule a passphrase must meet; four or five random words meet it.
MIN_PASSPHRASE_LENGTH = 16
PASSPHRASE_RULE = f"at least {MIN_PASSPHRASE_LENGTH} characters (four or five random words, say)"
#: scrypt's cost: N = 2^17 with r = 8 is 128 MiB of memory per guess, OWASP's minimum for scrypt.
#: Measured on the example: about 0.3 s in Python and 1.5 to 3 s in Chromium (scrypt-js), once a tab.
SCRYPT = {"N": 1 << 17, "r": 8, "p": 1}
SALT_BYTES, NONCE_BYTES, KEY_BYTES = 16, 12, 32

ASSETS = Path(__file__).parent / "assets"
#: Site paths of the files that open a protected site, and where the package has them.
UNLOCK_SCRIPT = "assets/playbook/protect.js"
SCRYPT_SCRIPT = "assets/vendor/scrypt-js/scrypt.js"
SHIPPED = {
    UNLOCK_SCRIPT: ASSETS / "protect.js",
    SCRYPT_SCRIPT: ASSETS / "vendor" / "scrypt-js" / "scrypt.js",
    "assets/vendor/scrypt-js/LICENSE.txt": ASSETS / "vendor" / "scrypt-js" / "LICENSE.txt",
}
#: The site files that carry the playbook besides the pages: sealed into scripts that only hold data.
SEARCH_INDEX, SEARCH_INDEX_JSON = "search/search_index.js", "search/search_index.json"
DATA_SCRIPT, PAGE_STYLESHEET = "assets/playbook/data.js", "assets/playbook/page.css"
#: Files MkDocs writes that list the pages and serve nothing offline: left out.
LEFT_OUT = ("sitemap.xml", "sitemap.xml.gz", SEARCH_INDEX_JSON)

_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
#: The printed page's stylesheet as pages link it (the 404 page from ./, the others from their depth).
_PAGE_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(?:\./|(?:\.\./)*)'
                                   + re.escape(PAGE_STYLESHEET) + '">')
_DATA_PREFIX, _INDEX_PREFIX = "window.PLAYBOOK_DATA = ", "var __index = "


class ProtectError(BuildError):
    """The passphrase was refused, or a site could not be sealed."""


def passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` is refused, or None. Never quotes it."""
    length = len(_normal(passphrase))
    if length < MIN_PASSPHRASE_LENGTH:
        return f"the passphrase is too short ({length} characters): it must have {PASSPHRASE_RULE}"
    if len(set(passphrase)) < 5:
        return f"the passphrase repeats too few characters ({len(set(passphrase))} different ones): " \
               f"it must have {PASSPHRASE_RULE}"
    return None


def _normal(passphrase: str) -> str:
    """The passphrase as both sides derive from it: NFC, so an é typed either way is the same key."""
    return unicodedata.normalize("NFC", passphrase)


@dataclass(frozen=True)
class Sealer:
    """The key of one protected build, and the salt it was derived with (stored in clear in every page)."""

    key: bytes
    salt: bytes

    def seal(self, data: bytes) -> str:
        """``data`` sealed: base64 of nonce, ciphertext and tag."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + AESGCM(self.key).encrypt(nonce, data, None)).decode("ascii")

    def open(self, sealed: str) -> bytes:
        """What :meth:`seal` sealed. Raises ``cryptography.exceptions.InvalidTag`` with another key."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.b64decode(sealed)
        return AESGCM(self.key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None)

    def name(self, text: str) -> str:
        """A file name for ``text`` that says nothing of it: 16 hex digits of a keyed hash."""
        return hmac.new(self.key, b"file name\0" + text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def derive(passphrase: str, salt: bytes | None = None) -> Sealer:
    """The sealer for ``passphrase``, with a new random salt unless one is given.

    Raises:
        ProtectError: the passphrase breaks the rule.
    """
    problem = passphrase_problem(passphrase)
    if problem:
        raise ProtectError(problem)
    salt = salt or os.urandom(SALT_BYTES)
    key = hashlib.scrypt(_normal(passphrase).encode("utf-8"), salt=salt, n=SCRYPT["N"], r=SCRYPT["r"],
                         p=SCRYPT["p"], dklen=KEY_BYTES, maxmem=256 * SCRYPT["N"] * SCRYPT["r"])
    return Sealer(key, salt)


LOCK_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Protected playbook</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}}
label{{display:block;font-weight:bold;margin-top:1rem}}input{{font:inherit;width:100%;padding:.5rem;box-sizing:border-box}}
button{{font:inherit;margin-top:.8rem;padding:.5rem 1.4rem}}#pb-message{{min-height:3rem;font-weight:bold}}
#pb-message.pb-wrong{{color:#b00020}}</style>
</head>
<body>
<main>
<h1>Protected playbook</h1>
<p>This copy is encrypted. Enter the passphrase to open it; this browser tab keeps the key until it is closed.</p>
<noscript><p>Opening it needs JavaScript.</p></noscript>
<form id="pb-unlock" hidden>
<label for="pb-passphrase">Passphrase</label>
<input id="pb-passphrase" type="password" autocomplete="current-password" spellcheck="false" required>
<button type="submit">Open</button>
<p id="pb-message" role="status" aria-live="polite"></p>
</form>
</main>
<script type="application/json" id="pb-protected">{config}</script>
{scripts}
</body>
</html>
"""


def _root(site_path: str) -> str:
    """The way from the page at ``site_path`` back to the site's root: ``""``, ``"../"``…"""
    return "../" * site_path.count("/")


def lock_page(site_path: str, html: str, sealer: Sealer, scripts: list[str]) -> str:
    """The page put in place of ``html``: no text of the playbook, the original sealed inside.

    The lock page carries the Content-Security-Policy of the page it replaces: the browser keeps
    enforcing it on the page written in its place (document.open() keeps a document's policies).
    """
    policy = _POLICY.search(html)
    if policy is None:
        raise ProtectError(f"{site_path}: the page has no Content-Security-Policy to keep")
    # Taken out of the sealed page: Chromium ignores (and reports) a policy that document.write() brings.
    opened = html[: policy.start()] + html[policy.end():]
    config = {"salt": base64.b64encode(sealer.salt).decode("ascii"), "kdf": {"name": "scrypt", **SCRYPT},
              "page": sealer.seal(opened.encode("utf-8"))}
    root = _root(site_path)
    tags = "\n".join(f'<script src="{html_attribute(root + script)}"></script>' for script in scripts)
    return LOCK_PAGE.format(policy=policy.group(1), config=json.dumps(config), scripts=tags)


def _sealed_script(part: str, sealed: str) -> str:
    """A script that only stores sealed data for protect.js: loaded again by the opened page, it changes nothing."""
    return f"(window.PLAYBOOK_SEALED = window.PLAYBOOK_SEALED || {{}})[{json.dumps(part)}] = {json.dumps(sealed)};\n"


def _payload(path: Path, prefix: str) -> bytes:
    """The JSON a generated script assigns (``prefix`` then JSON then ``;``), checked to be JSON."""
    text = path.read_text(encoding="utf-8").strip()
    if not text.startswith(prefix):
        raise ProtectError(f"{path}: expected a script starting '{prefix.strip()}'; cannot seal it")
    payload = text[len(prefix):].rstrip(";")
    try:
        json.loads(payload)
    except ValueError:
        raise ProtectError(f"{path}: its data is not JSON; cannot seal it") from None
    return payload.encode("utf-8")


def seal_site(site: Path, sealer: Sealer) -> None:
    """Seal the built ``site`` in place: every HTML page, the search index, the incident tools' data and
    the printed page's stylesheet (inlined into each page first); drop the sitemap and the JSON index.

    Raises:
        ProtectError: a file is not as the build writes it, so it could not be sealed.
    """
    scripts = [SCRYPT_SCRIPT]
    for part, relative, prefix in (("search", SEARCH_INDEX, _INDEX_PREFIX), ("data", DATA_SCRIPT, _DATA_PREFIX)):
        path = site / relative
        if path.is_file():
            path.write_text(_sealed_script(part, sealer.seal(_payload(path, prefix))), encoding="utf-8")
            scripts.append(relative)
    scripts.append(UNLOCK_SCRIPT)
    for site_path, source in SHIPPED.items():
        (site / site_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site / site_path)

    stylesheet = site / PAGE_STYLESHEET
    printed = stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else None
    for page in sorted(site.rglob("*.html")):
        site_path = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        if printed is not None:
            html = _PAGE_STYLESHEET_LINK.sub(lambda _: f"<style>{printed}</style>", html)
        page.write_text(lock_page(site_path, html, sealer, scripts), encoding="utf-8")
    for relative in (*LEFT_OUT, PAGE_STYLESHEET):
        (site / relative).unlink(missing_ok=True)
