"""Two engines, one pipeline (issue 18): `playbook build --engine mkdocs|zensical` makes the same pages with
the same content, keeps the same guarantees, and refuses, naming it, a guarantee it cannot keep."""

from __future__ import annotations

import json
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import engines
from generator.sign import MANIFEST
from tests.conftest import copy_example, edit, invoke
from tests.site_scan import external_resources
from tests.test_build import snapshot
from tests.test_sign import make_key

pytestmark = pytest.mark.slow

#: Files that are the engine's own, not the playbook's pages (its error page, its search's files).
ENGINE_FILES = {"404.html"}


class _MainContent(HTMLParser):
    """Headings, checklist item ids and link targets inside a page's article (the theme's chrome left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 inside <article>
        self.heading: list[str] | None = None
        self.headings: list[str] = []
        self.items: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.heading = []
        if "pb-item" in values.get("class", "").split() and values.get("id"):
            self.items.append(values["id"])
        if tag == "a" and "headerlink" not in values.get("class", "") and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if self.heading is not None and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(" ".join("".join(self.heading).replace("¶", "").split()))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)


def main_content(site: Path) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Every page of ``site``: (headings, checklist item ids, links) of its article."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        if name in ENGINE_FILES:
            continue
        parser = _MainContent()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[name] = (parser.headings, parser.items, parser.links)
    return pages


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example built by each engine, each in its own copy of the project."""
    built = {}
    for engine in engines.ENGINES:
        project = copy_example(tmp_path_factory.mktemp(engine)).parent
        code, output = invoke("build", "--engine", engine, cwd=project)
        assert code == 0, output
        built[engine] = project / "site"
    return built


def test_both_engines_make_the_same_pages_with_the_same_headings_items_and_links(sites: dict[str, Path]) -> None:
    mkdocs, zensical = main_content(sites["mkdocs"]), main_content(sites["zensical"])
    assert sorted(zensical) == sorted(mkdocs)
    assert len(mkdocs) > 30
    for name, (headings, items, links) in mkdocs.items():
        assert zensical[name] == (headings, items, links), name
    assert sum(len(items) for _, items, _ in mkdocs.values()) > 50  # the comparison saw the checklists
    assert mkdocs["phases/assessment.html"][1][:2] == ["item-assess-alarm", "item-assess-convene"]


def _searched_pages(site: Path) -> set[str]:
    """The pages the offline search index of ``site`` has entries of (MkDocs' ``docs``, Zensical's ``items``)."""
    for script in (site / "search" / "search_index.js", site / engines.SEARCH_INDEX_SCRIPT):
        if script.is_file():
            text = script.read_text(encoding="utf-8")
            index = json.loads(text[text.index("{"):text.rindex("}") + 1])
            return {entry["location"].split("#")[0] for entry in index.get("docs") or index["items"]}
    raise AssertionError(f"{site}: no search index")


def test_the_print_page_and_the_exercise_packs_are_out_of_both_engines_search(sites: dict[str, Path]) -> None:
    """A search at 3 a.m. lands on the page that says it, not on the print page's copy of it or on an exercise's
    injects; the Exercises page, which lists the packs, is still found. The front matter that says so is read,
    not printed."""
    for engine, site in sites.items():
        searched = _searched_pages(site)
        assert {"index.html", "phases/assessment.html", "exercise/index.html"} <= searched, engine
        assert "print.html" not in searched, engine
        assert not {page for page in searched if page.startswith("exercise/") and page != "exercise/index.html"}, \
            engine
        for page in ("print.html", "exercise/ransomware.html"):
            text = (site / page).read_text(encoding="utf-8")
            assert "exclude: true" not in text and "search:" not in text, (engine, page)
        assert main_content(site)["print.html"][0][0].startswith("Cyber-incident communication playbook"), engine


def test_the_zensical_site_loads_nothing_from_outside_and_every_page_has_the_policy(sites: dict[str, Path]) -> None:
    site = sites["zensical"]
    assert external_resources(site) == []
    for page in sorted(site.rglob("*.html")):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert '<meta http-equiv="Content-Security-Policy"' in head, page
        assert head.index("Content-Security-Policy") < head.find("<script"), page  # before any script


def test_the_text_check_reads_every_zensical_page_as_a_parse_of_the_whole_page_does(sites: dict[str, Path]) -> None:
    pages = [page.read_text(encoding="utf-8") for page in sorted(sites["zensical"].rglob("*.html"))]
    scanner = engines.csp.PageScanner()
    assert [scanner.scan(html) for html in pages] == [engines.csp.scripts_and_handlers(html) for html in pages]
    assert len(scanner._lines) < sum(html.count("\n") for html in pages) / 3  # most lines were read once


def test_zensical_tick_boxes_are_named_and_the_404_page_is_relative(sites: dict[str, Path]) -> None:
    page = (sites["zensical"] / "phases" / "assessment.html").read_text(encoding="utf-8")
    assert re.search(r'<input type="checkbox"[^>]* aria-label="[^"]+"', page)
    missing = (sites["zensical"] / "404.html").read_text(encoding="utf-8")
    assert '"base":"/"' not in missing and 'href="/' not in missing and 'src="/' not in missing


def test_the_engine_in_mkdocs_yml_is_used_and_the_command_line_wins(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    config.write_text(edit(config.read_text(), "      templates: templates\n",
                           "      templates: templates\n      engine: zensical\n"))
    assert invoke("build", cwd=tmp_path)[0] == 0
    assert (tmp_path / "site" / "search.js").is_file()  # Zensical's offline search index
    assert not (tmp_path / "site" / "search" / "search_index.js").exists()
    assert invoke("build", "--engine", "mkdocs", cwd=tmp_path)[0] == 0
    assert (tmp_path / "site" / "search" / "search_index.js").is_file()
    assert not (tmp_path / "site" / "search.js").exists()


def test_a_zensical_build_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    copy_example(tmp_path)
    assert invoke("build", "--engine", "zensical", cwd=tmp_path)[0] == 0
    site, dist = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    assert invoke("build", "--engine", "zensical", cwd=tmp_path)[0] == 0
    assert snapshot(tmp_path / "site") == site
    assert snapshot(tmp_path / "dist") == dist
    bundle = tmp_path / "dist" / "danubia-pay-ag-3-1-offline" / "danubia-pay-ag-3-1-offline.zip"
    with zipfile.ZipFile(bundle) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 20, 9, 46, 40)}
        assert "danubia-pay-ag-3-1-offline/search.js" in archive.namelist()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [engines.WORK_FOLDER]


def test_the_probes_script_hashes_are_kept_until_what_the_probe_is_made_of_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    config = copy_example(tmp_path / "project")
    probes = []
    real = engines.zensical_build

    def counted(prepared: engines.Prepared, *, strict: bool) -> Path:
        probes.append(prepared.config_file.parent.name == "probe")
        return real(prepared, strict=strict)

    monkeypatch.setattr(engines, "zensical_build", counted)
    assert invoke("build", "--engine", "zensical", cwd=config.parent)[0] == 0
    site = snapshot(config.parent / "site")
    assert invoke("build", "--engine", "zensical", cwd=config.parent)[0] == 0
    assert probes == [False, True, False]  # the second build took the hashes the first one kept
    assert snapshot(config.parent / "site") == site
    kept = list((tmp_path / "cache").glob("crisis-playbook/zensical-probe-*/hashes.json"))
    assert len(kept) == 1
    assert oct(kept[0].parent.stat().st_mode & 0o777) == "0o700"
    text = config.read_text(encoding="utf-8")
    config.write_text(edit(text, "    - toc.follow\n", "    - toc.follow\n    - toc.integrate\n"), encoding="utf-8")
    assert invoke("build", "--engine", "zensical", cwd=config.parent)[0] == 0
    assert probes == [False, True, False, False, True]  # another theme setting: another probe


def test_a_signed_zensical_build_verifies(tmp_path: Path) -> None:
    copy_example(tmp_path)
    key = make_key(tmp_path / "keys", "release")
    (tmp_path / "signing.pub").write_text(key.with_suffix(".pub").read_text())
    code, output = invoke("build", "--engine", "zensical", "--sign", str(key), cwd=tmp_path)
    assert code == 0, output
    assert (tmp_path / "site" / MANIFEST).is_file()
    code, output = invoke("verify", "site", cwd=tmp_path)
    assert code == 0, output
    assert "verified" in output


def test_a_guarantee_the_engine_does_not_meet_stops_the_build_and_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path)
    assert invoke("build", "--engine", "zensical", cwd=tmp_path)[0] == 0
    site_before = snapshot(tmp_path / "site")
    real = engines.zensical_build

    def without_the_index(prepared: engines.Prepared, *, strict: bool) -> Path:
        site = real(prepared, strict=strict)
        if prepared.config_file.parent.name != "probe":
            (site / engines.SEARCH_INDEX_SCRIPT).unlink()  # as if a Zensical release moved it
        return site

    monkeypatch.setattr(engines, "zensical_build", without_the_index)
    code, output = invoke("build", "--engine", "zensical", cwd=tmp_path)
    assert code == 1
    assert output == (
        "--engine zensical: the site Zensical built does not meet these guarantees, so it was not used:\n"
        "  search from file:// (no search.js: the offline plugin did not run)\n"
        "  Build with --engine mkdocs.\n"
        "Build failed; site/ and dist/ are unchanged.\n"
    )
    assert snapshot(tmp_path / "site") == site_before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [engines.WORK_FOLDER]


def test_the_protected_edition_is_refused_under_zensical_before_anything_is_touched(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = invoke("build", "--engine", "zensical", "--protect", cwd=tmp_path,
                          env={"PLAYBOOK_PASSPHRASE": "correct horse battery staple"})
    assert code == 1
    assert output.startswith("--engine zensical: the protected edition (--protect) is built with MkDocs only:")
    assert output.endswith("Build with --engine mkdocs.\nBuild failed; site/ and dist/ are unchanged.\n")
    assert not (tmp_path / "site").exists() and not (tmp_path / "dist").exists()


def test_a_site_in_another_language_is_the_same_from_both_engines(tmp_path: Path) -> None:
    built = {}
    for engine in engines.ENGINES:
        project = copy_example(tmp_path / engine).parent
        code, output = invoke("build", "--engine", engine, "--language", "de", cwd=project)
        assert code == 0, output
        built[engine] = project / "site"
    assert main_content(built["zensical"]) == main_content(built["mkdocs"])
    for engine, site in built.items():
        home = (site / "index.html").read_text(encoding="utf-8")
        assert '<html lang="de"' in home, engine
        contacts = (site / "contacts.html").read_text(encoding="utf-8")
        assert "Version 3.1 · freigegeben von Lukas Berger" in contacts, engine


def test_titles_zensical_would_print_as_markup_reach_it_as_text() -> None:
    titled = engines._hand_written_titled('---\ntitle: "Q&A </title><script>x()</script>"\nhide: [toc]\n---\n\nBody.\n',
                                          "qa")
    assert titled == ('---\ntitle: Q&amp;A &lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;\nhide:\n- toc\n---\n\n'
                      'Body.\n')
    assert engines._hand_written_titled("No heading here.\n", "<img src=x onerror=y()>") == (
        "---\ntitle: '&lt;img src=x onerror=y()&gt;'\n---\n\nNo heading here.\n")
    for own_heading in ("# Who <em>we</em> are\n\nText.\n", "Who we are\n==========\n\nText.\n"):
        assert engines._hand_written_titled(own_heading, "about") == own_heading  # the author's own heading


def test_markup_in_zensicals_output_that_no_theme_template_writes_stops_the_build(tmp_path: Path) -> None:
    allowed = engines.csp.script_hash("ok()")
    policy = f'<meta http-equiv="Content-Security-Policy" content="script-src \'self\' {allowed}">'
    pages = {
        "fine.html": f'<head>{policy}<script>ok()</script></head><a title="x onclick=y()">onclick=z()</a>',
        "script.html": f"<head>{policy}<title>A </title><script>pwn()</script></head>",
        "handler.html": f'<head>{policy}</head><span class="md-ellipsis"><img src=x onerror=pwn()></span>',
    }
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    assert engines._markup_from_text(tmp_path) == [
        "handler.html: an event-handler attribute",
        "script.html: an inline script the page's policy does not list",
    ]


def test_when_zensical_fails_the_build_says_what_zensical_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zensical

    def failing(config_file: str, options: dict[str, object]) -> None:
        os.write(1, b"Error: the search index is too large\n")  # the Rust runtime prints past sys.stdout
        raise RuntimeError("Search field 'text' at 'call-tree.html' exceeds the search index limit")

    copy_example(tmp_path)
    monkeypatch.setattr(zensical, "build", failing)
    code, output = invoke("build", "--engine", "zensical", cwd=tmp_path)
    assert (code, output) == (1, "Zensical failed: Search field 'text' at 'call-tree.html' exceeds the search index "
                                 "limit\nError: the search index is too large\nBuild failed; site/ and dist/ are "
                                 "unchanged.\n")


def test_the_text_check_skips_only_pages_it_found_clean_before_with_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    allowed = engines.csp.script_hash("ok()")
    policy = f'<meta http-equiv="Content-Security-Policy" content="script-src \'self\' {allowed}">'
    site, record = tmp_path / "site", tmp_path / "work" / engines.CHECKED
    site.mkdir()
    record.parent.mkdir()
    for name in ("a.html", "b.html", "c.html"):
        (site / name).write_text(f"<head>{policy}<script>ok()</script></head><p>{name}</p>", encoding="utf-8")
    scanned: list[str] = []
    real = engines.csp.PageScanner.scan

    def counted(self: engines.csp.PageScanner, html: str) -> tuple[list[str], bool]:
        scanned.append(re.findall(r"<p>(.*?)</p>", html)[0])
        return real(self, html)

    monkeypatch.setattr(engines.csp.PageScanner, "scan", counted)
    assert engines._markup_from_text(site, record) == []
    assert scanned == ["a.html", "b.html", "c.html"]
    (site / "b.html").write_text(f"<head>{policy}<title>b</title><script>pwn()</script></head><p>b.html</p>")
    assert engines._markup_from_text(site, record) == ["b.html: an inline script the page's policy does not list"]
    assert scanned[3:] == ["b.html"]  # a and c were clean with these bytes
    assert engines._markup_from_text(site, record) == ["b.html: an inline script the page's policy does not list"]
    assert scanned[4:] == ["b.html"]  # a page found wanting is never skipped
    monkeypatch.setattr(engines, "_check_version", lambda: "another check")
    assert len(engines._markup_from_text(site, record)) == 1
    assert scanned[5:] == ["a.html", "b.html", "c.html"]  # another check: every page again
    record.write_text("not json")
    assert len(engines._markup_from_text(site, record)) == 1 and scanned[8:] == ["a.html", "b.html", "c.html"]
