"""The Content-Security-Policy every generated page carries, and the mkdocs.yml settings it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import csp
from generator.build import build
from tests.conftest import copy_example, edit
from tests.test_build import invoke_build

pytestmark = pytest.mark.slow

_META = re.compile(r'<head>\s*<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def policy_of(page: Path) -> dict[str, list[str]]:
    """The page's policy, by directive; the page must carry it as the first thing in <head>."""
    found = _META.search(page.read_text(encoding="utf-8"))
    assert found, f"{page.name}: no Content-Security-Policy at the start of <head>"
    return {name: sources for name, *sources in (part.split() for part in found.group(1).split("; "))}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("csp")
    copy_example(project)
    (project / "content" / "raw.md").write_text(
        "# Raw HTML in a hand-written page\n\n<script>window.__pwned = 1</script>\n", encoding="utf-8")
    return build(project / "mkdocs.yml").site


def test_every_page_allows_this_site_only_and_the_theme_scripts_by_hash(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        policy = policy_of(page)
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == policy["base-uri"] == policy["form-action"] == ["'none'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        script_src = policy["script-src"]
        assert script_src[0] == "'self'"
        assert all(source.startswith("'sha256-") for source in script_src[1:])  # no unsafe-*, no origin
        scripts = csp.inline_scripts(page.read_text(encoding="utf-8"))
        if page.name != "raw.html":
            assert {csp.script_hash(s) for s in scripts} == set(script_src[1:]), page.name


def test_a_script_written_into_a_page_has_no_allowed_hash(site: Path) -> None:
    page = site / "raw.html"
    allowed = set(policy_of(page)["script-src"])
    assert csp.script_hash("window.__pwned = 1") not in allowed
    assert len(allowed) == len(policy_of(site / "glossary.html")["script-src"])  # the theme's, as everywhere


def test_inline_scripts_are_read_as_the_browser_runs_them() -> None:
    html = ('<script>a()</script><script src="x.js"></script><script type="application/json">{"b": 1}</script>'
            '<script type="module">c()</script><p>d()</p>')
    assert csp.inline_scripts(html) == ["a()", "c()"]
    # printf 'a()' | openssl dgst -sha256 -binary | base64
    assert csp.script_hash("a()") == "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"


def test_the_page_scanner_reuses_a_line_only_where_the_parser_reads_it_from_the_start() -> None:
    """The same line inside a script, a comment or a tag split across lines is not what it is on its own."""
    pages = ['<p>\n<img src=x onerror=alert(1)>\n<script>a()</script>\n</p>\n',
             '<script>\n<img src=x onerror=alert(1)>\n</script>\n<p>ok</p>\n',
             '<!--\n<img src=x onerror=alert(1)>\n-->\n<script>a()</script>\n',
             '<img\nsrc=x onerror=alert(1)>\n<script>a()</script>\n',
             '<p>\n<img src=x onerror=alert(1)>\n<script>a()</script>\n</p>\n',
             '<script>\nb()</script>\n', 'b()</script>\n']
    scanner = csp.PageScanner()
    assert [scanner.scan(page) for page in pages] == [csp.scripts_and_handlers(page) for page in pages] == [
        (["a()"], True), (["\n<img src=x onerror=alert(1)>\n"], False), (["a()"], False), (["a()"], True),
        (["a()"], True), (["\nb()"], False), ([], False)]


@pytest.mark.parametrize(("setting", "problem"), [
    ("extra_javascript: [https://cdn.example.test/x.js]", "extra_javascript[0]: 'https://cdn.example.test/x.js'"),
    ("extra_css: [//cdn.example.test/x.css]", "extra_css[0]: '//cdn.example.test/x.css'"),
    ("extra_javascript: ['javascript:alert(1)']", "extra_javascript[0]: 'javascript:alert(1)'"),
    ("extra:\n  analytics: {provider: google, property: G-X}", "extra.analytics: analytics send every visit"),
])
def test_a_setting_needing_another_origin_is_refused(tmp_path: Path, setting: str, problem: str) -> None:
    config = copy_example(tmp_path)
    text = config.read_text(encoding="utf-8")
    if setting.startswith("extra:"):  # one more key under the example's extra:
        config.write_text(edit(text, "extra:\n", setting + "\n"), encoding="utf-8")
    else:
        config.write_text(text + setting + "\n", encoding="utf-8")
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert output.splitlines()[0] == \
        "mkdocs.yml: the Content-Security-Policy of every page allows nothing from another origin:"
    assert output.splitlines()[1].startswith(f"  {problem}")
    assert not (tmp_path / "site").exists()


def test_an_override_adding_an_inline_script_needs_its_hash_listed(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block scripts %}{{ super() }}<script>window.custom = 1</script>{% endblock %}\n')
    text = edit(config.read_text(encoding="utf-8"), "  name: material\n", "  name: material\n  custom_dir: overrides\n")
    config.write_text(text, encoding="utf-8")
    digest = csp.script_hash("window.custom = 1").strip("'")
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert output.splitlines()[0] == (
        "mkdocs.yml: theme.custom_dir: the template overrides in 'overrides' add inline scripts, which the "
        "Content-Security-Policy of every page refuses. To let them run, read them, then list them under the "
        f"playbook plugin's csp_scripts: {digest}")
    config.write_text(edit(text, "      templates: templates\n",
                           f"      templates: templates\n      csp_scripts: [{digest}]\n"), encoding="utf-8")
    assert invoke_build(tmp_path)[0] == 0
    assert f"'{digest}'" in policy_of(tmp_path / "site" / "roles.html")["script-src"]
