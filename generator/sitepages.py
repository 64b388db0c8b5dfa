"""Every page of a site in the order MkDocs reads them: the playbook's generated pages (render.py), *Check this
copy* after the document-control page, and *What changed* last when there is a previous version. One function
composes them for the plugin (in process) and for the worker of `playbook build` (ahead.py, which hands each page
to MkDocs as it is rendered): the same pages, in the same order, either way. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .build import bundle_name
from .diff import as_markdown, compare, previous_version, private_values, without_private
from .i18n import N_, Language
from .model import Playbook, public_edition
from .render import Page, page_titles, render_single, rendering
from .sign import ALLOWED_SIGNERS, MANIFEST, NAMESPACE, PRINCIPAL, SIGNATURE, PublicKey

#: The page that says how to check a copy with the standard tool alone.
VERIFY_PAGE = "verify.md"
#: The page that compares this version with the previous one (a git tag).
CHANGES_PAGE = "changes.md"
_VERIFY_TITLE = N_("Check this copy")
_CHANGES_TITLE = N_("What changed")


@dataclass(frozen=True)
class SitePages:
    """The site's pages: the path and title of each, known at once; the pages themselves, rendered one by one."""

    titles: list[tuple[str, str]]
    pages: Iterator[Page]


def site_pages(plan: Playbook, written: Playbook, templates: Path, language: Language, *, playbook_path: Path,
               public_of: Playbook | None, public_key: PublicKey | None, edition: str, protected: bool) -> SitePages:
    """The pages of a site of ``plan`` (the playbook in the site's language, in its edition): ``written`` is the plan
    as written (What changed compares it with the previous version as written); ``public_of``, in the public edition,
    the plan with its private values (see changes_page). Finding the previous version runs git (and opens it)."""
    previous = previous_version(written, playbook_path)
    titles = page_titles(plan, language)
    if previous is not None:
        titles.append((CHANGES_PAGE, language.gettext(_CHANGES_TITLE)))
    after = next((i + 1 for i, (path, _title) in enumerate(titles) if path == "document.md"), len(titles))
    titles.insert(after, (VERIFY_PAGE, language.gettext(_VERIFY_TITLE)))

    def pages() -> Iterator[Page]:
        generated = rendering(plan, templates, language)
        for place, (path, _title) in enumerate(titles):
            if path == VERIFY_PAGE and place == after:
                yield verify_page(plan, templates, public_key, edition, protected=protected, language=language)
            elif path == CHANGES_PAGE and previous is not None and place == len(titles) - 1:
                yield changes_page(written, previous, templates, public_of=public_of, language=language)
            else:
                yield next(generated)

    return SitePages(titles, pages())


def changes_page(playbook: Playbook, previous: tuple[Playbook, str], templates: Path, *,
                 public_of: Playbook | None = None, language: Language | None = None) -> Page:
    """The "What changed" page against ``previous`` (diff.previous_version: the version and its git tag). In the
    public edition (``playbook`` is the public edition of ``public_of``) both sides are public editions and any value
    private in either version shows as (private): an old private number never reappears."""
    older, tag = previous
    if public_of is None:
        changed = compare(older, playbook)
    else:
        changed = without_private(compare(public_edition(older), playbook), private_values(older, public_of))
    changes = as_markdown(changed, f"version {older.document.version} ({tag})", f"version {playbook.document.version}")
    return render_single(playbook, templates, CHANGES_PAGE, "changes.md.j2", _CHANGES_TITLE, language=language,
                         changes=Markup(changes), previous=older.document.version, tag=tag)


def verify_page(playbook: Playbook, templates: Path, public_key: PublicKey | None, edition: str, *,
                protected: bool = False, language: Language | None = None) -> Page:
    """*Check this copy*: how to check the bundle and the site with ssh-keygen alone, with the real names."""
    bundle = bundle_name(playbook.document.organisation, playbook.document.version, public=edition == "public",
                         protected=protected)
    # Shown inside code, where an escaped character would be typed as written: slugs, base64 and the
    # tool's own names only, none from playbook.yml as written.
    literal = {"fingerprint": public_key.fingerprint if public_key else None, "bundle": f"{bundle}.zip",
               "namespace": NAMESPACE, "principal": PRINCIPAL, "manifest": MANIFEST, "signature": SIGNATURE,
               "allowed_signers": ALLOWED_SIGNERS}
    return render_single(playbook, templates, VERIFY_PAGE, "verify.md.j2", _VERIFY_TITLE, language=language,
                         **{name: Markup(value) if value else value for name, value in literal.items()})
