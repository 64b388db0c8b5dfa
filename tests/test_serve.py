"""`playbook serve` after a broken edit: the problems in the terminal and in the browser, page requests
answered (never left hanging), the last good site kept, and the page back once the file is fixed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.commands.new import new_playbook
from tests.conftest import edit

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    """Status and text of ``url``; a request that takes more than 10 s fails the test (it hangs)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    project = tmp_path / "org"
    new_playbook(project, organisation="Serve Test Org", timezone="Europe/Vienna")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
                                   cwd=project, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            yield project, f"http://127.0.0.1:{port}", log
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_broken_edit_shows_the_problems_keeps_the_last_good_site_and_recovers(
        served: tuple[Path, str, Path]) -> None:
    project, base, log = served

    def page_is_good() -> bool:
        try:
            status, text = _get(f"{base}/index.html")
        except OSError:
            return False  # not listening yet
        return status == 200 and "Serve Test Org" in text

    _until(page_is_good, "the first build")
    playbook = project / "playbook.yml"
    good = playbook.read_text(encoding="utf-8")
    playbook.write_text(edit(good, '  timezone: "Europe/Vienna"', '  timezone: "Europe/Viena"'), encoding="utf-8")

    _until(lambda: _get(f"{base}/index.html")[0] == 500, "the error page")
    status, text = _get(f"{base}/index.html")
    line = good.splitlines().index('  timezone: "Europe/Vienna"') + 1
    assert f"playbook.yml:{line}:3: document.timezone: unknown time zone &#x27;Europe/Viena&#x27;" in text
    assert "/livereload/" in text  # the error page reloads itself when the build succeeds again
    assert f"playbook.yml:{line}:3: document.timezone: unknown time zone 'Europe/Viena'" in log.read_text()
    status, text = _get(f"{base}/index.html?last-good")
    assert status == 200 and "Serve Test Org" in text
    assert _get(f"{base}/assets/playbook.css")[0] == 200 or _get(f"{base}/search/search_index.json")[0] == 200

    playbook.write_text(good, encoding="utf-8")
    _until(page_is_good, "the rebuild after the fix")
    assert "Fixed: the site is rebuilt." in log.read_text()


def _rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str | None, new: str, file: str = "playbook.yml",
             prepare: Callable[[Path], None] | None = None, generated: list[str] | None = None) -> tuple[
        list[str], list[str], dict[str, bytes], dict[str, bytes], Path]:
    """The example (given to ``prepare`` first) built as `playbook serve` builds it, ``old`` replaced by ``new``
    in ``file`` (or, for None, ``file`` written with ``new``), and built
    again keeping what it kept; then a fresh build of the edited example. Returns the pages converted from
    Markdown and those whose theme template was rendered in the second build, both sites, and the fresh one's
    folder. ``generated``: given the generated pages whose page template was rendered in the second build (a part
    of the print page counts as the print page)."""
    import jinja2
    from mkdocs.structure.pages import Page

    from generator import render as generator_render
    from generator.build import build_into
    from generator.commands.serve import RenderedPages
    from tests.conftest import copy_example
    from tests.test_build import snapshot

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    config = copy_example(tmp_path / "project")
    edited = tmp_path / "project" / file
    if prepare is not None:
        prepare(tmp_path / "project")
    rendered = RenderedPages()
    with rendered.installed():
        build_into(config, tmp_path / "first")
    edited.write_text(new if old is None else edit(edited.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    converted: list[str] = []
    themed: list[str] = []
    convert, render = Page.render, jinja2.Template.render

    def counting(page: Page, *args: object) -> None:
        converted.append(page.file.src_uri)
        convert(page, *args)  # type: ignore[arg-type]

    def counting_theme(template: jinja2.Template, *args: object, **kwargs: object) -> str:
        page = args[0].get("page") if args and isinstance(args[0], dict) else None
        if page is not None:
            themed.append(page.file.src_uri)
        return render(template, *args, **kwargs)

    whats: list[str] = []
    render_page = generator_render._render

    def counting_pages(env: jinja2.Environment, template_name: str, what: str, context: dict[str, object]) -> str:
        whats.append(what)
        return render_page(env, template_name, what, context)

    monkeypatch.setattr(Page, "render", counting)
    monkeypatch.setattr(jinja2.Template, "render", counting_theme)
    monkeypatch.setattr(generator_render, "_render", counting_pages)
    with rendered.installed():
        plugin = build_into(config, tmp_path / "kept")
    monkeypatch.setattr(Page, "render", convert)
    monkeypatch.setattr(jinja2.Template, "render", render)
    monkeypatch.setattr(generator_render, "_render", render_page)
    if generated is not None:
        from generator.i18n import speaking

        with speaking(plugin.language):
            paths = {what: path for kind in generator_render.PAGES for path, _title, what, _extra
                     in kind.pages(plugin.playbook)}
        generated += sorted({generator_render.PRINT_PAGE if what.startswith("the print page") else paths[what]
                             for what in whats if what.startswith("the print page") or what in paths})
    build_into(config, tmp_path / "fresh")
    return converted, themed, snapshot(tmp_path / "kept"), snapshot(tmp_path / "fresh"), tmp_path / "fresh"


def test_a_rebuild_that_keeps_unchanged_pages_gives_the_site_a_full_build_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`playbook serve` keeps each page's conversion (and search sections) and its theme template's output
    between rebuilds; after an edit its site is byte for byte the site a fresh build of the edited playbook
    makes, and only the pages whose Markdown changed (those that show the edited item) were converted and put
    into the theme's template again."""
    generated: list[str] = []
    converted, themed, kept, fresh, folder = _rebuilt(tmp_path, monkeypatch, "Raise the alarm", "Sound the alarm",
                                                      generated=generated)
    showing = sorted(path.relative_to(folder).with_suffix(".md").as_posix()
                     for path in folder.rglob("*.html") if "Sound the alarm" in path.read_text("utf-8"))
    assert "phases/assessment.md" in showing and "print.md" in showing
    assert generated == showing  # the generated pages rendered again: those that show the item, and only those
    assert sorted(converted) == showing  # the pages that show the item, and only those
    assert sorted(themed) == showing
    assert len(converted) * 3 < len(list(folder.rglob("*.html")))
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []
    assert b"Sound the alarm" in kept["search/search_index.js"]


def test_a_title_edited_puts_every_page_into_the_theme_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A phase's title is in the navigation of every page that lists the phases (Material prunes the others'):
    every page's template is rendered again, and the site is byte for byte a fresh build's; the other phases'
    pages, whose navigation lists it, show the new title and not the old."""
    converted, themed, kept, fresh, folder = _rebuilt(tmp_path, monkeypatch, "name: Detection and assessment",
                                                      "name: Detection and triage")
    pages = sorted(path.relative_to(folder).with_suffix(".md").as_posix() for path in folder.rglob("*.html")
                   if path.name != "404.html")
    assert sorted(themed) == pages
    assert len(converted) < len(pages)  # the Markdown of most pages did not change; their navigation did
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []
    phases = [name for name in kept if name.startswith("phases/") and name != "phases/assessment.html"]
    assert len(phases) > 3
    assert all(b"Detection and triage" in kept[name] and b"Detection and assessment" not in kept[name]
               for name in phases)


def _every_page_themed_again_showing(text: bytes, converted: list[str], themed: list[str], kept: dict[str, bytes],
                                     fresh: dict[str, bytes], folder: Path) -> None:
    """No page converted again, every page put into the theme again, the site a fresh build's, and ``text`` on
    every page."""
    pages = sorted(path.relative_to(folder).with_suffix(".md").as_posix() for path in folder.rglob("*.html")
                   if path.name != "404.html")
    assert converted == []
    assert sorted(themed) == pages
    assert [name for name in fresh if kept[name] != fresh[name]] == []
    assert all(text in kept[name.replace(".md", ".html")] for name in pages)


def test_a_setting_edited_puts_every_page_into_the_theme_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer of every page says mkdocs.yml's copyright, which no page's Markdown holds: a new one renders
    every page's template again, and every page's footer says it."""
    converted, themed, kept, fresh, folder = _rebuilt(tmp_path, monkeypatch, "docs_dir: content",
                                                      "copyright: Footer set in mkdocs.yml\ndocs_dir: content",
                                                      file="mkdocs.yml")
    _every_page_themed_again_showing(b"Footer set in mkdocs.yml", converted, themed, kept, fresh, folder)


def _with_overrides(project: Path) -> None:
    """The example with a theme folder of its own (custom_dir) that overrides Material's page template."""
    config = project / "mkdocs.yml"
    config.write_text(edit(config.read_text(encoding="utf-8"), "  name: material\n",
                           "  name: material\n  custom_dir: overrides\n"), encoding="utf-8")
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}Announced first{% endblock %}\n', encoding="utf-8")


def test_a_template_override_edited_puts_every_page_into_the_theme_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """custom_dir's templates are the user's to edit while serving: an edited override renders every page
    again, and every page shows it."""
    converted, themed, kept, fresh, folder = _rebuilt(tmp_path, monkeypatch, "Announced first", "Announced again",
                                                      file="overrides/main.html", prepare=_with_overrides)
    _every_page_themed_again_showing(b"Announced again", converted, themed, kept, fresh, folder)


def test_a_file_added_to_the_theme_folder_is_in_the_rebuilt_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's static files are listed once and kept; a file added to custom_dir while serving is in the
    next rebuild's site, as in a fresh build's."""
    _converted, _themed, kept, fresh, _folder = _rebuilt(tmp_path, monkeypatch, None, "a { color: red }\n",
                                                         file="overrides/added.css", prepare=_with_overrides)
    assert kept["added.css"] == b"a { color: red }\n"
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []


def _home_answers(base: str) -> bool:
    try:
        return _get(f"{base}/index.html")[0] == 200
    except OSError:
        return False  # not listening yet


def test_the_reload_script_is_allowed_by_the_page_policy(served: tuple[Path, str, Path]) -> None:
    """MkDocs' serve adds an inline script that reloads the page; every page's policy must list its hash, or
    the browser refuses it and the page never reloads after a save."""
    from generator import csp

    _project, base, _log = served
    _until(lambda: _home_answers(base), "the first build")
    page = _get(f"{base}/index.html")[1]
    policy = page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    scripts = csp.inline_scripts(page)
    reload_script = next(script for script in scripts if "livereload" in script)
    assert csp.script_hash(reload_script) in policy
    assert all(csp.script_hash(script) in policy for script in scripts)


def test_the_browser_keeps_only_the_files_named_by_their_content(served: tuple[Path, str, Path]) -> None:
    """Material's scripts and stylesheets carry a hash of their content in their name: the server lets the
    browser keep them between reloads. The pages and the playbook's own scripts, whose content changes under
    the same name, are fetched again on every reload."""
    import re

    _project, base, _log = served

    def cache_control(path: str) -> str | None:
        with urllib.request.urlopen(f"{base}/{path}", timeout=10) as response:
            assert response.status == 200
            return response.headers.get("Cache-Control")  # type: ignore[no-any-return]

    _until(lambda: _home_answers(base), "the first build")
    page = _get(f"{base}/index.html")[1]
    named = sorted(set(re.findall(r'(?:href|src)="(assets/(?:javascripts|stylesheets)/[\w.-]+\.[0-9a-f]{8}\.min\.'
                                  r'(?:js|css))"', page)))
    assert [path.split("/")[-1].split(".")[0] for path in named] == ["bundle", "main"]  # script and stylesheet
    assert [cache_control(path) for path in named] == ["max-age=31536000, immutable"] * 2
    assert [cache_control(path) for path in ("index.html", "assets/playbook/playbook.js",
                                             "assets/playbook/data.js", "search/search_index.js")] == [None] * 4


def test_the_theme_output_is_not_kept_for_what_its_key_cannot_stand_for(tmp_path: Path) -> None:
    """A context value named only by its address (two builds' objects can share one), a plugin the key does
    not know, or a page of another kind: no key, so the page's template is rendered as MkDocs renders it."""
    from mkdocs.structure.pages import Page

    from generator.build import build_into
    from generator.commands.serve import ThemeOutput
    from tests.conftest import copy_example

    contexts: list[dict[str, object]] = []

    class Recording(ThemeOutput):
        def key(self, name: str | None, context: dict[str, object]) -> tuple[object, ...] | None:
            if context.get("page") is not None and not contexts:
                contexts.append(dict(context))
            return super().key(name, context)

    recording = Recording()
    with recording.installed():
        build_into(copy_example(tmp_path / "project"), tmp_path / "site")
    context = contexts[0]
    assert ThemeOutput().key("main.html", context) is not None
    assert ThemeOutput().key("main.html", {**context, "widget": object()}) is None
    assert ThemeOutput().key("main.html", {**context, "widget": ["plain", 1]}) is not None

    class OtherPage(Page):
        pass

    page = context["page"]
    other = OtherPage(page.title, page.file, context["config"])  # type: ignore[attr-defined,arg-type]
    assert ThemeOutput().key("main.html", {**context, "page": other}) is None
    config = context["config"]
    config.plugins["tags"] = config.plugins["playbook"]  # type: ignore[attr-defined]
    assert ThemeOutput().key("main.html", context) is None


def test_an_override_that_starts_printing_the_build_time_gets_it_on_every_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's time (``build_date_utc``) is left out of the theme output's key while no template prints
    it; a template override edited to print it while serving makes it part of the key from then on."""
    from generator.build import build_into
    from generator.commands.serve import RenderedPages
    from tests.conftest import copy_example

    config = copy_example(tmp_path / "project")
    _with_overrides(tmp_path / "project")
    override = tmp_path / "project" / "overrides" / "main.html"
    rendered = RenderedPages()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    with rendered.installed():
        build_into(config, tmp_path / "first")
    override.write_text('{% extends "base.html" %}\n{% block announce %}Built at {{ build_date_utc.hour }} h'
                        '{% endblock %}\n', encoding="utf-8")
    with rendered.installed():
        build_into(config, tmp_path / "second")
    assert "Built at 9 h" in (tmp_path / "second" / "facts.html").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774003600")  # an hour later, the same day: the footer's date stays
    with rendered.installed():
        build_into(config, tmp_path / "third")
    assert "Built at 10 h" in (tmp_path / "third" / "facts.html").read_text(encoding="utf-8")


def _site_is_a_fresh_builds(kept: dict[str, bytes], fresh: dict[str, bytes]) -> None:
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []


def test_a_role_renamed_is_shown_renamed_on_every_page_that_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A role's name is a link's label on many generated pages, each kept from the last render unless what it
    read changed: every page that names the role is rendered again, and the site is byte for byte a fresh
    build's (no page keeps the old name)."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, folder = _rebuilt(tmp_path, monkeypatch, "name: Crisis team lead",
                                                        "name: Head of the crisis team", generated=generated)
    naming = sorted(path.relative_to(folder).with_suffix(".md").as_posix() for path in folder.rglob("*.html")
                    if "Head of the crisis team" in path.read_text("utf-8"))
    assert len(naming) > 10
    assert set(naming) - {"verify.md"} <= set(generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert not any(b"Crisis team lead" in kept[name] for name in kept if name.endswith(".html"))


def test_a_translation_file_edited_is_in_the_rebuilt_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message's German text (playbook.de.yml) is shown beside the English on the message's page: the
    rebuilt site shows the new text, byte for byte as a fresh build does."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(
        tmp_path, monkeypatch, "Was Sie jetzt wissen", "Was Sie jetzt erfahren", file="playbook.de.yml",
        generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert b"Was Sie jetzt erfahren" in kept["messages/employee-memo.html"]
    assert "messages/employee-memo.md" in generated and "phases/assessment.md" not in generated


def test_a_content_page_edited_is_in_the_rebuilt_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-written page of content/ edited while serving: the rebuilt site is a fresh build's, and no
    generated page is rendered again (none reads content/)."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(
        tmp_path, monkeypatch, "**Talk on Signal or the phone bridge**", "**Talk on Threema or the phone bridge**",
        file="content/working-out-of-band.md", generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert b"Talk on Threema or the phone bridge" in kept["working-out-of-band.html"]
    assert generated == []


def _with_an_absolute_link(project: Path) -> None:
    page = project / "content" / "working-out-of-band.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nBack to [the home page](/index.md).\n", encoding="utf-8")


def test_a_link_setting_edited_converts_the_pages_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validation: links: absolute_links: relative_to_docs` in mkdocs.yml makes an absolute link in a page a link
    to that page of the site, where MkDocs otherwise leaves it as written: set while serving, the page is converted
    again (the settings a conversion reads are part of what it is kept under)."""
    converted, _themed, kept, fresh, _folder = _rebuilt(
        tmp_path, monkeypatch, "docs_dir: content",
        "docs_dir: content\nvalidation:\n  links:\n    absolute_links: relative_to_docs", file="mkdocs.yml",
        prepare=_with_an_absolute_link)
    _site_is_a_fresh_builds(kept, fresh)
    assert b'href="index.html">the home page' in kept["working-out-of-band.html"]
    assert "working-out-of-band.md" in converted


def _with_page_template(project: Path) -> None:
    """The example with a page template of its own in templates/ (the phase page, extending the packaged one)."""
    from generator.render import PACKAGED_TEMPLATES

    packaged = (PACKAGED_TEMPLATES / "phase.md.j2").read_text(encoding="utf-8")
    (project / "templates" / "phase.md.j2").write_text(f"{packaged}\nA note on the phase.\n", encoding="utf-8")


def test_a_page_template_edited_renders_its_pages_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page template of templates/ edited while serving: the pages it makes (every phase's, and the print
    page's parts) show the edit, byte for byte as a fresh build does."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(
        tmp_path, monkeypatch, "A note on the phase.", "Another note on the phase.",
        file="templates/phase.md.j2", prepare=_with_page_template, generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    phases = [name for name in kept if name.startswith("phases/") and name != "phases/index.html"]
    assert len(phases) > 3 and all(b"Another note on the phase." in kept[name] for name in phases)
    assert {name.replace(".html", ".md") for name in phases} <= set(generated)


def test_the_language_set_in_mkdocs_yml_renders_every_page_in_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs.yml edited to build the site in German: every generated page is rendered again in it, and the
    site is byte for byte a fresh build's."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, folder = _rebuilt(
        tmp_path, monkeypatch, "      templates: templates\n", "      templates: templates\n      language: de\n",
        file="mkdocs.yml", generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert b'lang="de"' in kept["index.html"]
    hand_written = {"404.html", "verify.html", "speaking-to-the-media.html", "working-out-of-band.html"}
    assert generated == sorted(path.relative_to(folder).with_suffix(".md").as_posix()
                               for path in folder.rglob("*.html") if path.name not in hand_written)


def test_a_translation_dropped_from_the_plan_is_gone_from_the_rebuilt_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The playbook in each language the last render showed is made again of the edited playbook before its pages
    are compared; a language the plan no longer lists cannot be made, and the pages that showed it are rendered
    again: the site is byte for byte a fresh build's, without the Serbian wordings."""
    _converted, _themed, kept, fresh, _folder = _rebuilt(tmp_path, monkeypatch, "translations: [de, sr-Latn]",
                                                         "translations: [de]")
    _site_is_a_fresh_builds(kept, fresh)
    assert b"sr-Latn" not in kept["messages/employee-memo.html"]


def _swapped_last_phases(text: str) -> str:
    """The playbook with its last two phases (follow-up, lessons learned) in the other order."""
    first, second, end = (text.index("  - id: follow-up\n"), text.index("  - id: lessons-learned\n"),
                          text.index("# --- Severity levels"))
    return f"{text[:first]}{text[second:end].rstrip()}\n\n{text[first:second].rstrip()}\n\n{text[end:]}"


#: Edits of the example's playbook.yml while serving (name: old text, new text, a page that shows the edit; None:
#: the whole file, made from the example's by the function), each one that the other tests do not make.
EDITS: dict[str, tuple[str | None, str | Callable[[str], str], str]] = {
    "checklist item added": (
        "      - id: assess-convene\n",
        "      - id: assess-coffee\n        action: Check that the coffee machine works.\n        due: 30m\n"
        "        from: awareness\n      - id: assess-convene\n", "phases/assessment.md"),
    "checklist item removed": (
        "      - id: assess-awareness-time\n        action: Record the moment of awareness (date, time, zone) in the "
        "decision log; every deadline counts from it.\n        due: 30m\n        from: awareness\n        note: "
        "Awareness means reasonable certainty that an incident happened, not the first rumour. Write down who "
        "decided it and why.\n", "", "phases/assessment.md"),
    "phases reordered": (None, _swapped_last_phases, "phases/follow-up.md"),
    "checklist item id renamed": ("id: assess-alarm\n", "id: assess-alert\n", "phases/assessment.md"),
    "checklist deadline changed": ("        due: 15m\n        from: awareness\n        channels: [signal-crisis]",
                                   "        due: 20m\n        from: awareness\n        channels: [signal-crisis]",
                                   "phases/assessment.md"),
    "regulator deadline changed": ("        due: 24h\n        from: detection\n",
                                   "        due: 36h\n        from: detection\n", "regulators.md"),
    "regulator regime changed": ("    regime: gdpr-dpa ", "    regime: nis2-csirt ", "regulators.md"),
    "contact phone changed": ("+43 660 555 0101}", "+43 660 555 0109}", "contacts.md"),
    "deputy rank changed": ("      - {role: crisis-lead, as: deputy, rank: 1}\n    channels:\n      - {type: mobile, "
                            "value: +43 660 555 0102}",
                            "      - {role: crisis-lead, as: deputy, rank: 2}\n    channels:\n      - {type: mobile, "
                            "value: +43 660 555 0102}", "call-tree.md"),
    "document timezone changed": ("timezone: Europe/Vienna ", "timezone: Europe/Lisbon ", "document.md"),
    "approval date changed": ("approved_on: 2026-11-02", "approved_on: 2026-11-03", "document.md"),
    "contact verified long ago": ("    verified_on: 2026-10-14\n  - id: stefan-gruber",
                                  "    verified_on: 2020-10-14\n  - id: stefan-gruber", "contacts.md"),
    "exercise inject edited": ("lands in three hours.", "lands in four hours.", "exercise/ransomware.md"),
    "exercise inject moved": ("        at: 1h\n        from: awareness\n        text: The CEO",
                              "        at: 2h\n        from: awareness\n        text: The CEO",
                              "exercise/ransomware.md"),
    "scenario loses a phase": ("    phases: [assessment, disclosure, follow-up, lessons-learned]\n"
                               "    regulators: [at-fma]",
                               "    phases: [assessment, follow-up, lessons-learned]\n    regulators: [at-fma]",
                               "scenarios.md"),
    "organisation value changed": ("brand: Danubia Pay\n", "brand: Danubia Payments\n", "messages/customer-notice.md"),
    "finding closed": ("        due: 2027-01-31\n        status: open", "        due: 2027-01-31\n        status: done",
                       "exercises.md"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_of_the_plan_gives_the_site_a_fresh_build_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """An edit of playbook.yml while serving (an entry added, removed, reordered or renamed, a deadline, a number, a
    date, the zone, an exercise inject…): the rebuilt site is byte for byte a fresh build's, and the page that
    shows the edit was rendered again."""
    old, new, showing = EDITS[name]
    if callable(new):
        from tests.conftest import ROOT

        new = new((ROOT / "playbook.yml").read_text(encoding="utf-8"))
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(tmp_path, monkeypatch, old, new, generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert showing in generated


def _rebuilt_in_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      steps: list[tuple[str, str, str]]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The example built as `playbook serve` builds it, then edited and built again, keeping what it kept, once per
    step (a file of the project, the old text, the new); returns the last rebuild's site and a fresh build's."""
    from generator.build import build_into
    from generator.commands.serve import RenderedPages
    from tests.conftest import copy_example
    from tests.test_build import snapshot

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    config = copy_example(tmp_path / "project")
    rendered = RenderedPages()
    with rendered.installed():
        build_into(config, tmp_path / "site0")
    for number, (file, old, new) in enumerate(steps, 1):
        edited = tmp_path / "project" / file
        edited.write_text(edit(edited.read_text(encoding="utf-8"), old, new), encoding="utf-8")
        with rendered.installed():
            build_into(config, tmp_path / f"site{number}")
    build_into(config, tmp_path / "fresh")
    return snapshot(tmp_path / f"site{len(steps)}"), snapshot(tmp_path / "fresh")


@pytest.mark.parametrize("steps", [
    pytest.param([("playbook.yml", "Raise the alarm", "Sound the alarm"),
                  ("playbook.yml", "Sound the alarm", "Raise the alarm")], id="edited and undone"),
    pytest.param([("playbook.yml", "+43 660 555 0101}", "+43 660 555 0109}"),
                  ("playbook.yml", "name: Katharina Wolf", "name: Katharina Wolff")], id="two contact edits"),
    pytest.param([("playbook.yml", "id: assess-alarm\n", "id: assess-alert\n"),
                  ("playbook.yml", "id: assess-alert\n", "id: assess-alarm\n")], id="id renamed and back"),
    pytest.param([("playbook.de.yml", "Was Sie jetzt wissen", "Was Sie jetzt erfahren"),
                  ("playbook.yml", "translations: [de, sr-Latn]", "translations: [sr-Latn]"),
                  ("playbook.yml", "translations: [sr-Latn]", "translations: [de, sr-Latn]")],
                 id="translation edited, dropped, listed again"),
    pytest.param([("playbook.yml", "lands in three hours.", "lands in four hours."),
                  ("playbook.yml", "  - id: ransomware\n    name: Ransomware\n",
                   "  - id: ransomware\n    name: Ransomware attack\n"),
                  ("playbook.yml", "lands in four hours.", "lands in three hours.")],
                 id="inject, scenario, inject undone"),
    pytest.param([("playbook.yml", "definition: A way to talk", "definition: A manner of talking"),
                  ("playbook.yml", "lands in three hours.", "lands in four hours.")],
                 id="glossary, then an inject only the exercise page shows"),
])
def test_edits_one_after_another_give_the_site_a_fresh_build_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, str, str]]) -> None:
    """Several saves in a row, one rebuild each: a page kept by one rebuild keeps what its render read for the next,
    so an edit undone, or an edit of what a page kept twice shows, still gives a fresh build's site."""
    kept, fresh = _rebuilt_in_steps(tmp_path, monkeypatch, steps)
    _site_is_a_fresh_builds(kept, fresh)


_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _other_plan(name: str) -> Callable[[Path], None]:
    """The example project with the plan of tests/fixtures/``name`` (another organisation's) and its translations."""
    import shutil

    def prepare(project: Path) -> None:
        for translation in project.glob("playbook.*.yml"):
            translation.unlink()
        for path in (_FIXTURES / name).glob("playbook*.yml"):
            shutil.copy(path, project / path.name)

    return prepare


@pytest.mark.parametrize("what", ["first checklist action", "timezone"])
@pytest.mark.parametrize("fixture", sorted(path.name for path in _FIXTURES.iterdir() if path.is_dir()))
def test_an_edit_of_another_organisations_plan_gives_the_site_a_fresh_build_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, what: str) -> None:
    """The plans of tests/fixtures (other organisations', other sections and languages), served and edited (the text of
    their first checklist item, the document's time zone): the rebuilt site is byte for byte a fresh build's."""
    import re

    text = (_FIXTURES / fixture / "playbook.yml").read_text(encoding="utf-8")
    if what == "timezone":
        found = re.search(r"^  timezone: \S+", text, re.MULTILINE)
        line = "  timezone: Pacific/Auckland"
    else:
        found = re.search(r"^( +)action: (.*)$", text, re.MULTILINE)
        line = found and f"{found[1]}action: Changed, {found[2]}"
    assert found is not None and line is not None
    _converted, _themed, kept, fresh, _folder = _rebuilt(tmp_path, monkeypatch, None, text[:found.start()] + line
                                                         + text[found.end():], prepare=_other_plan(fixture))
    _site_is_a_fresh_builds(kept, fresh)


def _in_german(project: Path) -> None:
    """The example built in German (mkdocs.yml): the pages show playbook.de.yml's texts where it has them."""
    config = project / "mkdocs.yml"
    config.write_text(edit(config.read_text(encoding="utf-8"), "      templates: templates\n",
                           "      templates: templates\n      language: de\n"), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "showing"), [
    ("Was Sie jetzt wissen", "Was Sie jetzt erfahren", "messages/employee-memo.md"),
    ("title: Kommunikationshandbuch für Cyber-Vorfälle", "title: Handbuch für Cyber-Vorfälle", "document.md"),
])
def test_a_translation_edited_under_a_site_in_its_language_is_in_the_rebuilt_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, showing: str) -> None:
    """A site built in German shows the plan in German (the playbook every page reads is the translated one): one
    entry's German text edited (a message's subject, the document's title) gives a fresh build's site."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(tmp_path, monkeypatch, old, new, file="playbook.de.yml",
                                                         prepare=_in_german, generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert showing in generated


def test_a_private_contacts_file_added_while_serving_is_in_the_rebuilt_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """contacts.private.yml written while serving (a contact's private number): merged into the model, it is shown
    on the pages that show the contact, byte for byte as a fresh build shows it."""
    generated: list[str] = []
    _converted, _themed, kept, fresh, _folder = _rebuilt(
        tmp_path, monkeypatch, None,
        "contacts:\n  katharina-wolf:\n    channels:\n      - {type: mobile, value: +43 660 555 0177}\n",
        file="contacts.private.yml", generated=generated)
    _site_is_a_fresh_builds(kept, fresh)
    assert b"436605550177" in kept["contacts.html"] and "contacts.md" in generated


def test_the_site_addresses_of_a_builds_files_are_never_another_builds(tmp_path: Path) -> None:
    """RenderedPages keys a conversion by every file's site address, made once per build's Files: a build's Files
    is freed when the next is made, and the next is often made at its address (the same id()); its addresses are
    its own, not the freed one's (a hand-written page's link to a page that is gone would be kept converted)."""
    from mkdocs.structure.files import File, Files

    from generator.commands.serve import RenderedPages

    rendered = RenderedPages()
    files = Files([File("first.md", str(tmp_path), str(tmp_path / "site"), False)])
    for number in range(20):
        rendered._addresses(files)
        later = [File(f"page-{number}.md", str(tmp_path), str(tmp_path / "site"), False)]
        del files
        files = Files(later)
        assert rendered._addresses(files) == ((f"page-{number}.md", f"page-{number}.html"),)
