"""Messages as they are sent (issue 13 item 8): recipients, several media and phases, companions, mail
merge, notes and a specimen."""

from __future__ import annotations

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import EXAMPLE, MINIMAL, edit, problems


def test_the_message_page_shows_how_the_customer_notice_goes_out() -> None:
    pages = {page.path: page.markdown for page in render_pages(open_playbook(EXAMPLE).playbook)}
    page = pages["messages/customer-notice.md"]
    for row in ("| Media | email, letter |", "| Phase | [Coordinated disclosure](../phases/disclosure.md) |",
                "| To | Every customer on the affected-accounts list the CERT lead releases |",
                "| Sent as | Danubia Pay Customer Care &#60;care@danubiapay.example&#62; |",
                "| Goes out together with | [Customer SMS alert](customer-sms.md), "
                "[Social media post](social-post.md) |",
                "- <code>(( customer&#95;name ))</code>: The customer&#39;s name as on the account",
                "- *Letters:* Customers without a verified e-mail address get the notice by post, from the same text."):
        assert row in page, row
    assert '??? example "A filled example (a specimen, never sent)"' in pages["messages/social-post.md"]
    assert "| email, letter |" in pages["messages/index.md"]


MORE = """  - id: sms
    title: SMS
    kind: customer-notice
    audiences: [media]
    media: [sms]
    phases: [respond]
    body: Hello (( name )).
"""


def test_media_phases_companions_and_merge_fields_are_checked() -> None:
    text = MINIMAL.read_text().replace("phases:\n  - id: respond", MORE + "phases:\n  - id: respond")
    assert problems(text) == [
        "playbook.yml:92:5: templates[1].body: '(( name ))' is not a merge field of this message; declare it under "
        "'merge_fields'"]
    both = edit(text, "    media: [sms]\n", "    media: [sms]\n    medium: sms\n")
    assert "playbook.yml:90:5: templates[1].media: give either 'medium' or 'media', not both" in problems(both)
    neither = edit(text, "    phases: [respond]\n", "")
    assert "playbook.yml:86:5: templates[1]: missing required key 'phase' (or 'phases' for several)" \
        in problems(neither)
    merged = edit(text, "    body: Hello (( name )).\n",
                  "    merge_fields:\n      - {id: name, label: Name}\n      - {id: town, label: Town}\n"
                  "    body: Hello (( name )).\n    companions: [sms]\n")
    assert problems(merged) == [
        "playbook.yml:94:9: templates[1].merge_fields[1]: merge field 'town' is not used in the message's text",
        "playbook.yml:96:18: templates[1].companions[0]: a message cannot be its own companion"]
