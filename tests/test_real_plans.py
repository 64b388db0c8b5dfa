"""Fixtures modelled on real, public incident-communication plans (see the head of each playbook).

Each passes `playbook validate --strict` as the plan is written, and its home page shows the plan's own
first steps, its own people to call first, and its own doctrine: none of them works out-of-band, so
none gets the covert warnings of our example.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import FIXTURES, invoke

REAL_PLANS = ("cloud-platform", "listed-company", "public-body", "breach-letters")
#: The day the goldens of these fixtures are checked on (their review dates and contacts are current).
TODAY = dt.date(2026, 12, 1)
COVERT_FRAMING = ("Do not use e-mail or chat", "attacker may read", "out-of-band channel first",
                  "Out-of-band channels", "may be watched")


@cache
def home(name: str) -> str:
    model = open_playbook(FIXTURES / name / "playbook.yml", strict=True, today=TODAY, private=False).playbook
    return next(page.markdown for page in render_pages(model) if page.path == "index.md")


def item(ident: str, action: str, owner: str, role: str, when: str = "") -> str:
    """A first step on the home page, as it renders."""
    condition = f'<span class="pb-when">Only when: {when}:</span> ' if when else ""
    return (f'- [ ] <span class="pb-item" data-item="{ident}"></span>{condition}**{action}** — '
            f"[{owner}](contacts.md#role-{role})\n")


@pytest.mark.parametrize("name", REAL_PLANS)
def test_each_real_plan_is_valid_strictly_as_written(name: str) -> None:
    code, output = invoke("validate", "--strict", "--as-of", TODAY.isoformat(),
                          str(FIXTURES / name / "playbook.yml"))
    assert code == 0, output
    assert output.rstrip().endswith("valid (0 errors, 0 warnings)")


@pytest.mark.parametrize("name", REAL_PLANS)
def test_no_real_plan_gets_the_covert_doctrine(name: str) -> None:
    assert [words for words in COVERT_FRAMING if words in home(name)] == []
    assert "    Key people and how to reach them.\n" in home(name)


def test_cloud_platform_calls_its_rotating_incident_commander_and_starts_in_slack() -> None:
    page = home("cloud-platform")
    assert "## Call first\n\n- **[Incident Commander &#40;IC&#41;](contacts.md#role-incident-commander)**: The first " \
           "participant on the Nimbus team to respond, who may be the reporter." in page
    ic = "Incident Commander &#40;IC&#41;"
    assert "The first 4 steps of [Initiate](phases/initiate.md), in the plan's order:\n\n" \
        + item("initiate-tts-process", "Follow the TTS security incident response process, supporting the reporter "
               "if they already started it.", ic, "incident-commander") \
        + item("initiate-notify-team", 'Notify the rest of the Nimbus team in &#35;nimbus using <code class="pb-code">'
               '@nimbus-team</code>, including the Nimbus leads.', ic, "incident-commander") in page
    assert "Deputy" not in page.split("## First steps")[0]  # whoever responds first is the IC: no deputy to call


def test_listed_company_calls_its_on_call_security_roles_first() -> None:
    page = home("listed-company")
    call_first = page.split("## Call first\n\n")[1].split("\n\n")[0].splitlines()
    assert [line.split("](")[0] for line in call_first] == [
        "- **[Security Engineer on Call &#40;SEOC&#41;", "- **[Security Incident Manager on Call &#40;SIMOC&#41;",
        "- **[Security Communications Manager on Call &#40;SecCMOC&#41;"]
    assert item("detect-scope", "Determine the scope, severity and potential impact of the security incident.",
                "Security Engineer on Call &#40;SEOC&#41;", "seoc") in page


def test_public_body_starts_with_the_discoverer_and_the_on_call_incident_manager() -> None:
    page = home("public-body")
    assert "- **[Incident Manager](contacts.md#role-incident-manager)**: The on-call Incident Manager." in page
    assert "The first 5 steps of [Initial incident triage](phases/triage.md), in the plan's order (the phase has 6):" \
        "\n\n" + item("triage-discoverer-act", "As the incident discoverer, if you can, take immediate action to stop "
                      "any on-going breach or attack, then start an incident by contacting the Security Team.",
                      "Subject Matter Expert&#40;s&#41;", "sme") in page


def test_breach_letters_start_with_whoever_discovers_the_incident() -> None:
    page = home("breach-letters")
    assert "- **[Employee](contacts.md#role-employee)**: Whoever discovers the incident - any ministry employee " \
           "or service provider." in page
    assert "The first 3 steps of [Report](phases/report.md), in the plan's order:\n\n" \
        + item("report-supervisor", "Report the incident immediately to your supervisor.", "Employee", "employee") \
        in page
