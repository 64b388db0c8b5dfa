"""The attack harness (issue 21): every free-text field of the schema by every payload class, built in a
few batched builds and opened page by page in Chromium with the network off. It fails on any script
that runs (a hooked function, a dialog), any event-handler attribute or script URL in the DOM (the
theme puts none), any Content-Security-Policy violation, and any template expression evaluated.

The fields come from walking the schema over the example playbook (a field the example lacks is added
to the first entry that could hold it), so a new field joins without editing this file. A payload that
validation refuses in a field is counted as refused, after checking it alone in that field.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from generator import schema
from generator.build import build
from generator.engines import ENGINES
from generator.load import load_text
from generator.validate import validate
from tests.browser.conftest import Visit, search_results
from tests.conftest import EXAMPLE, MINIMAL, copy_example, edit, example_translations

pytestmark = pytest.mark.browser

#: One of each kind of attack; ``ID`` becomes the (field, payload) pair's own id, ``N`` a number whose
#: square shows up in the page only if a template engine evaluated the expression.
PAYLOADS = {
    "attr_list": '*a*{: onmouseover="__pwn(\'ID\')" }',
    "attr_list_block": '\n\n{: onclick="__pwn(\'ID\')" }\n',
    "javascript_link": "[x](javascript:__pwn('ID'))",
    "autolink": "<javascript:__pwn('ID')> [r][ID]\n\n[ID]: javascript:__pwn('ID')",
    "script": "</title></textarea></style><script>__pwn('ID')</script>",  # closers: RCDATA and raw text
    "img_onerror": '<img src=x onerror="__pwn(\'ID\')">',
    "svg_onload": '"><svg onload="__pwn(\'ID\')">',
    "entity_encoded": "&lt;img src=x onerror=__pwn('ID')&gt; &#60;script&#62;__pwn('ID')&#60;/script&#62; "
                      "[e](&#106;avascript:__pwn('ID')) [t](jav&#x09;ascript:__pwn('ID'))",
    "unicode": "\uff1cscript\uff1e__pwn('ID')\uff1c/script\uff1e [z](java\u200bscript:__pwn('ID')) "
               "[c](JaVaScRiPt:__pwn('ID')) <scr\u0131pt>__pwn('ID')</scr\u0131pt> \u2028{: onclick=\"__pwn('ID')\" }",
    "blank_quote": '[[ x" autofocus onfocus="__pwn(\'ID\')" x=" ]]',
    "template_syntax": "{{ N*N }} [[ N*N ]] {% print N*N %} {# c #}",
}
#: Payloads sharing a build: each field holds one group at a time. Blank and template syntax go
#: together: message text refuses both, and a refusal takes back the whole group from that field.
GROUPS = (("attr_list", "attr_list_block", "javascript_link", "autolink", "script", "img_onerror", "svg_onload",
           "entity_encoded", "unicode"),
          ("blank_quote", "template_syntax"))
#: A word in every poisoned value, to find them all with the site's search.
MARKER = "zebrafish"
#: Material features that print page titles in more places: tabs and breadcrumbs.
MORE_TITLES = ["navigation.tabs", "navigation.path"]


def free_text(rules: dict[str, Any]) -> bool:
    """A field that takes any text (not an id, reference, choice, duration, date or zone)."""
    return rules.get("type") == "string" and not ({"check_with", "allowed", "regex"} & set(rules))


def schema_fields(rules: dict[str, Any], path: str = "") -> Iterator[str]:
    """Every free-text field of the schema, as ``roles[].name``."""
    if schema.is_mapping(rules):  # a mapping, or a field that may be one (an approval)
        for key, inner in (rules.get("schema") or {}).items():
            yield from schema_fields(inner, f"{path}.{key}" if path else key)
        if rules.get("valuesrules"):
            yield from schema_fields(rules["valuesrules"], f"{path}.*")
    elif rules.get("type") == "list":
        yield from schema_fields(rules.get("schema", {}), f"{path}[]")
    elif free_text(rules):
        yield path


PLAYBOOK_RULES = {"type": "dict", "schema": schema.PLAYBOOK}
FIELDS = sorted(set(schema_fields(PLAYBOOK_RULES)))


@dataclass
class Slot:
    """One place a value sits in the playbook: its field, its key path, and what it held."""

    field: str
    where: tuple[str | int, ...]
    original: str | None
    #: Where the slot's mapping was added (the example has none there): a problem anywhere in it is the slot's.
    added: tuple[str | int, ...] | None = None

    @property
    def path(self) -> str:
        """As validation names it: ``templates[0].subject``."""
        return key_path(self.added or self.where)


def key_path(where: tuple[str | int, ...]) -> str:
    text = ""
    for key in where:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


def slots(data: Any, rules: dict[str, Any], where: tuple[str | int, ...] = (), name: str = "",
          added: tuple[str | int, ...] | None = None) -> Iterator[Slot]:
    if schema.is_mapping(rules) and isinstance(data, dict):
        inner = rules.get("schema") or {}
        for key, value in data.items():
            known = key in inner
            sub = inner[key] if known else (rules.get("valuesrules") or {})
            yield from slots(value, sub, (*where, key), f"{name}.{key}" if name and known else
                             (f"{name}.*" if not known else key), added)
        for key, sub in inner.items():  # a field the example lacks: here, if this entry is the first to hold it
            field_name = f"{name}.{key}" if name else key
            if key not in data and free_text(sub):
                yield Slot(field_name, (*where, key), None, added)
            elif key not in data and sub.get("type") == "dict":  # in a mapping added for it
                yield from slots({}, sub, (*where, key), field_name, added or (*where, key))
    elif rules.get("type") == "list" and isinstance(data, list):
        for index, item in enumerate(data):
            yield from slots(item, rules.get("schema", {}), (*where, index), f"{name}[]")
    elif isinstance(data, str) and free_text(rules):
        yield Slot(name, where, data)


def all_slots(data: dict[str, Any]) -> list[Slot]:
    """Every value of a free-text field, and one added place for each field the data lacks."""
    found, added = [], {}
    for slot in slots(data, PLAYBOOK_RULES):
        if slot.original is None:
            added.setdefault(slot.field, slot)
        else:
            found.append(slot)
    present = {slot.field for slot in found}
    return found + [slot for name, slot in added.items() if name not in present]


def put(data: Any, where: tuple[str | int, ...], value: str | None) -> None:
    for key in where[:-1]:
        data = data.setdefault(key, {}) if isinstance(key, str) else data[key]
    if value is None:
        data.pop(where[-1], None)
    else:
        data[where[-1]] = value


@dataclass
class Attack:
    """A set of (slot, payload) pairs, one build's worth, and how to recognise each pair in a page."""

    pairs: list[tuple[int, str]]
    numbers: dict[str, str] = field(default_factory=dict)  # square → pair id, for template syntax

    def value(self, slot: Slot, index: int, names: list[str]) -> str:
        parts = []
        for name in names:
            pair = f"f{index}-{name}"
            number = 1000 + len(self.numbers)
            self.numbers[str(number * number)] = pair
            parts.append(PAYLOADS[name].replace("ID", pair).replace("N", str(number)))
        return f"{slot.original or ''} {MARKER} " + " ".join(parts)


def poisoned(data: dict[str, Any], every: list[Slot], assignment: dict[int, list[str]],
             attack: Attack) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for index, names in assignment.items():
        put(result, every[index].where, attack.value(every[index], index, names))
    for template in result.get("templates", []):  # a required clause must appear in the body as written
        clauses = [c for c in template.get("required_clauses", []) if c not in template.get("body", "")]
        if clauses:
            template["body"] = template.get("body", "") + "\n" + "\n".join(clauses) + "\n"
    return result


def refused(data: dict[str, Any], every: list[Slot]) -> set[int]:
    """The slots validation finds a problem in (or under)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    problems = [p for p in validate(load_text(text, "playbook.yml"), today=dt.date.today()) if p.severity == "error"]
    found = set()
    for problem in problems:
        matches = {i for i, slot in enumerate(every) if problem.path == slot.path
                   or problem.path.startswith((slot.path + ".", slot.path + "["))}
        assert matches, f"a problem outside the poisoned fields: {problem}"
        found |= matches
    return found


@dataclass
class Plan:
    """What the harness built and what validation refused, pair by pair."""

    slots: list[Slot]
    builds: list[tuple[dict[str, Any], Attack]]
    refused: set[tuple[int, str]]


def plan(data: dict[str, Any]) -> Plan:
    every = all_slots(data)
    result = Plan(every, [], set())
    leftovers: dict[str, list[int]] = {}
    for group in GROUPS:
        assignment = {index: list(group) for index in range(len(every))}
        attack = Attack([])
        while True:  # take back each group validation refuses, until the playbook validates
            bad = refused(poisoned(data, every, assignment, Attack([])), every) & set(assignment)
            if not bad:
                break
            for index in bad:
                del assignment[index]
                for name in group:
                    leftovers.setdefault(name, []).append(index)
        attack.pairs = [(index, name) for index, names in assignment.items() for name in names]
        result.builds.append((poisoned(data, every, assignment, attack), attack))
    for name, indexes in leftovers.items():  # alone in its field, is each payload refused too?
        alone = refused(poisoned(data, every, {i: [name] for i in indexes}, Attack([])), every)
        result.refused |= {(index, name) for index in indexes if index in alone}
        accepted = [index for index in indexes if index not in alone]
        if accepted:
            attack = Attack([(index, name) for index in accepted])
            result.builds.append((poisoned(data, every, {i: [name] for i in accepted}, attack), attack))
    return result


@pytest.fixture(scope="module", params=ENGINES)
def harness(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, list[Path]]:
    """The attack builds, with each engine (issue 18: the same guarantees for both)."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    # Without the translation files: a poisoned original no longer has the blanks its translations keep.
    data["document"].pop("translations", None)
    attack_plan = plan(data)
    sites = []
    for number, (poisoned_data, _) in enumerate(attack_plan.builds):
        project = tmp_path_factory.mktemp(f"attack-{request.param}-{number}")
        config = copy_example(project)
        for translation in example_translations():
            (project / translation.name).unlink()
        text = config.read_text(encoding="utf-8")
        config.write_text(edit(text, "  features:\n", "  features:\n" + "".join(f"    - {f}\n" for f in MORE_TITLES)),
                          encoding="utf-8")
        (project / "playbook.yml").write_text(yaml.safe_dump(poisoned_data, allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")
        sites.append(build(config, engine=request.param).site)
    return attack_plan, sites


#: Installed before any page script: the hooked function, and the policy's violation reports.
HOOKS = """
window.__pwned = [];
window.__pwn = function (id) { window.__pwned.push(String(id)); };
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.sample || ""));
});
"""
#: What is active in the page: event handlers, script URLs, and what the hooks caught.
FINDINGS = r"""() => {
  const found = [];
  const scriptUrl = /^(javascript|vbscript|data:text\/html)/i;
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const bare = attribute.value.replace(/[\u0000-\u0020]/g, "");
      if (attribute.name.startsWith("on")) { found.push(`<${element.localName} ${attribute.name}>`); }
      else if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(attribute.name)
               && scriptUrl.test(bare)) { found.push(`<${element.localName} ${attribute.name}=${attribute.value}>`); }
    }
  }
  return { found, pwned: window.__pwned || [], violations: window.__violations || [],
           numbers: (document.documentElement.innerText.match(/\b\d{7}\b/g) || []) };
}"""


def findings(page: Any, attack: Attack, where: str) -> list[str]:
    seen = page.evaluate(FINDINGS)
    problems = [f"{where}: ran {pair}" for pair in seen["pwned"]]
    problems += [f"{where}: {what}" for what in seen["found"]]
    problems += [f"{where}: policy violation {what}" for what in seen["violations"]]
    problems += [f"{where}: template evaluated for {attack.numbers[n]}" for n in seen["numbers"] if n in attack.numbers]
    return problems


def test_no_payload_in_any_field_runs(browser: Any, harness: tuple[Plan, list[Path]]) -> None:
    attack_plan, sites = harness
    tried = {(index, name) for _, attack in attack_plan.builds for index, name in attack.pairs}
    fields = {slot.field for slot in attack_plan.slots}
    assert fields == set(FIELDS), "every free-text field of the schema is attacked"
    for slot_field in fields:  # and each with every payload, in a page or refused by validation
        indexes = [i for i, slot in enumerate(attack_plan.slots) if slot.field == slot_field]
        for name in PAYLOADS:
            assert any((i, name) in tried | attack_plan.refused for i in indexes), (slot_field, name)
    problems: list[str] = []
    context = browser.new_context(offline=True)
    context.add_init_script(HOOKS)
    page = context.new_page()
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text else None)
    opened = 0
    for (_, attack), site in zip(attack_plan.builds, sites, strict=True):
        visit = Visit(page, site)
        for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
            visit.open(path)
            problems += findings(page, attack, path)
            opened += 1
        visit.open("index.html")  # the search index, through the search results
        search_results(visit, MARKER)
        problems += findings(page, attack, "search results")
    context.close()
    assert problems == [], "\n".join(problems)
    counts = {"fields": len(fields), "payloads": len(PAYLOADS), "pairs": len(fields) * len(PAYLOADS),
              "values": len(attack_plan.slots), "tried": len(tried), "refused": len(attack_plan.refused),
              "builds": len(sites), "pages": opened, "executed": 0}
    print("attack harness:", json.dumps(counts))


@pytest.fixture(scope="module")
def prototype_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture playbook with an incident fact named like a property every JavaScript object has."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = edit(text, "  - id: next_update\n", "  - id: constructor\n    label: Who built it?\n  - id: next_update\n")
    text = edit(text, "      Something happened: [[ what_happened ]].\n",
                "      Something happened: [[ what_happened ]], built by [[ constructor ]].\n")
    project = tmp_path_factory.mktemp("prototype")
    copy_example(project)
    (project / "playbook.yml").write_text(text, encoding="utf-8")
    return build(project / "mkdocs.yml").site


def test_a_fact_named_constructor_is_a_blank_like_any_other(browser: Any, prototype_site: Path) -> None:
    context = browser.new_context(offline=True)
    visit = Visit(context.new_page(), prototype_site)
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.open("messages/holding-statement.html")
    code = visit.page.locator("#message-holding-statement code")
    assert "built by [[ constructor ]]." in code.inner_text()
    assert "function" not in code.inner_text()
    assert visit.page.locator(".pb-compose .pb-empty").inner_text() == \
        "Still empty: [[ what_happened ]], [[ constructor ]], [[ next_update ]]."
    visit.open("facts.html")
    visit.page.fill("#pb-fact-constructor", "Mallory")
    visit.open("messages/holding-statement.html")
    assert "built by Mallory." in code.inner_text()
    assert visit.errors == []
    context.close()


#: Typed by the crisis team (or pasted from an attacker's e-mail) into the incident tools.
TYPED = "x | y [link](javascript:window.__pwned=8) <img src=x onerror=window.__pwned=9> *b* `c` {: .k }"


def test_exports_keep_typed_text_as_text(browser: Any, prototype_site: Path) -> None:
    context = browser.new_context(offline=True, accept_downloads=True)
    visit = Visit(context.new_page(), prototype_site)
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.open("incident.html")
    for selector in ("#pb-incident-name", "#pb-initials"):
        visit.page.fill(selector, TYPED)
        visit.page.dispatch_event(selector, "change")
    visit.page.fill("#pb-note", TYPED)
    visit.page.click("#pb-add-note")
    assert visit.page.evaluate("window.__pwned") is None
    assert visit.page.locator("#pb-incident img, #pb-incident a[href^='javascript']").count() == 0
    with visit.page.expect_download() as exported:
        visit.page.click("#pb-export-md")
    text = Path(exported.value.path()).read_text(encoding="utf-8")
    rendered = markdown.markdown(text, extensions=["tables", "attr_list"])
    assert "<img" not in rendered and "<a " not in rendered and "<em" not in rendered and "<code" not in rendered
    assert "class=" not in rendered
    table = rendered[rendered.index("<tbody>"):]
    assert table.count("<td>") == 3  # one row of three cells: the pipes typed did not add cells
    shown = html.unescape(re.sub("<[^>]+>", "", rendered))
    assert shown.count(TYPED) == 3  # name, initials and note, each as typed
    with visit.page.expect_download() as raw:
        visit.page.click("#pb-export-json")
    log = json.loads(Path(raw.value.path()).read_text(encoding="utf-8"))
    assert log["incident"] == TYPED
    assert [(entry["by"], entry["text"]) for entry in log["entries"]] == [(TYPED, TYPED)]
    assert visit.errors == []
    context.close()


def test_the_public_editions_exported_log_carries_no_private_value(browser: Any, tmp_path: Path) -> None:
    from tests.test_private import PRIVATE_FILE, _forms, _private_values

    copy_example(tmp_path)
    (tmp_path / "contacts.private.yml").write_text(PRIVATE_FILE.replace("bob", "ana-horvat"), encoding="utf-8")
    private = _private_values(tmp_path)
    site = build(tmp_path / "mkdocs.yml", edition="public").site
    context = browser.new_context(offline=True, accept_downloads=True)
    visit = Visit(context.new_page(), site)
    visit.open("phases/assessment.html")
    visit.page.locator(".task-list-item input").first.scroll_into_view_if_needed()
    box = visit.page.locator(".task-list-item input").first.bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    visit.open("incident.html")
    visit.page.fill("#pb-note", "Board chair informed.")
    visit.page.click("#pb-add-note")
    exported = {}
    for button in ("#pb-export-md", "#pb-export-json"):
        with visit.page.expect_download() as download:
            visit.page.click(button)
        exported[button] = Path(download.value.path()).read_text(encoding="utf-8")
    context.close()
    assert "Board chair informed." in exported["#pb-export-md"] and "ticked" in exported["#pb-export-json"]
    assert [(where, value) for value in private for form in _forms(value) for where, text in exported.items()
            if form in text] == []
