"""The shape of ``playbook.yml``: the single source of truth for the format.

Each field carries ``meta.description`` (used for the format reference and the JSON
Schema) and, for fields that point at another entity, ``meta.ref`` naming the section
whose ids it must match. The cross-reference checks read ``meta.ref`` from here, so a
new reference field needs no code elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args

Schema = dict[str, Any]

# --- spellings of values inside fields ---------------------------------------------------

#: An id: lowercase letters, digits and single hyphens (``comms-lead``).
#: The version of the playbook format this tool reads (`playbook --version` shows it).
FORMAT_VERSION = 2
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A value or incident-fact name: ``next_update``.
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: A BCP 47 language tag of the common forms: ``en``, ``de-AT``, ``sr-Latn``.
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")
#: Paper sizes `playbook pdf` prints on (CSS @page names).
PAPER_SIZES = ("A4", "letter")
#: Countries whose standard paper is US Letter: CLDR's supplemental measurement data
#: (<paperSize type="US-Letter" territories="BZ CA CL CO CR GT MX NI PA PH PR SV US VE"/>); A4 elsewhere.
LETTER_COUNTRIES = frozenset("BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split())
#: A service window on business days, "08:00-17:00" (business hours are counted inside it).
SERVICE_HOURS = "([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]"
#: An ISO 3166 two-letter country code (a cerberus ``regex`` rule, so a string).
COUNTRY = "[A-Z]{2}"
#: ``{{ name }}``: an organisation value, filled at build time.
VALUE_BLANK = re.compile(r"\{\{([^{}\n]*)\}\}")
#: ``[[ name ]]``: an incident fact, filled in during the incident.
INCIDENT_BLANK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
#: Names every message template may use without declaring them.
BUILTIN_VALUES = ("organisation",)

#: How each unit of a duration may be written (``30m``, ``4 working days``).
DURATION_UNITS: dict[str, tuple[str, ...]] = {
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "days": ("d", "day", "days", "calendar day", "calendar days"),
    "business days": ("business day", "business days", "working day", "working days"),
    "business hours": ("business hour", "business hours", "working hour", "working hours"),
    "weeks": ("w", "week", "weeks"),
    "months": ("month", "months"),
}

#: Which edition of the site is built: ``public`` leaves out every private value.
Edition = Literal["internal", "public"]
EDITIONS: tuple[Edition, ...] = get_args(Edition)

#: Events that can start a regulator's clock, each with what it means.
CLOCK_EVENT_MEANINGS = {
    "awareness": "reasonable certainty that an incident happened",
    "detection": "first suspicion or discovery",
    "classification": "classified as a major incident",
    "materiality": "determined to be material",
    "determination": "determined that a reportable incident occurred",
    "assessment": "assessed as a breach that must be notified",
    "payment": "a ransom or extortion payment was made",
}
CLOCK_EVENTS = tuple(CLOCK_EVENT_MEANINGS)
#: The option of `playbook clock` that gives each event's time (``--aware``, ``--detected``…).
CLOCK_EVENT_OPTIONS = {
    "awareness": "aware", "detection": "detected", "classification": "classified", "materiality": "materiality",
    "determination": "determined", "assessment": "assessed", "payment": "paid",
}
#: A checklist item's deadline counts from an event, from the start of its own phase (this word), from the
#: start of a phase named by its id, or from a milestone another item marks.
PHASE_START = "phase-start"
#: How plans write a deadline that has no fixed period; kept as written and never shown as a time.
PROMPTLY = ("asap", "as soon as possible", "as soon as practicable", "as soon as reasonably practicable",
            "without undue delay", "without unreasonable delay", "without delay", "immediately", "promptly",
            "forthwith")
#: Who does a hand-over step: the holder of the role who hands over, the one who takes over, or both.
HANDOVER_SIDES = ("outgoing", "incoming", "both")
#: Written for a template that deliberately has no approval step.
NO_APPROVAL = "none"

CONTACT_SERVICES = (
    "law-firm", "forensic-firm", "insurer", "police", "csirt", "data-protection-authority",
    "financial-supervisor", "pr-agency", "it-provider", "bank", "card-scheme", "other",
)
CONTACT_CHANNEL_TYPES = (
    "phone", "mobile", "email", "signal", "threema", "whatsapp", "satphone", "radio",
    "meeting-point", "portal", "chat", "pager", "issue-tracker", "shared-document",
)
TEAM_CHANNEL_KINDS = (
    "email", "chat", "phone-bridge", "messenger", "satphone", "radio", "meeting-point", "video-call",
    "pager", "issue-tracker", "shared-document", "status-page",
)
TEMPLATE_KINDS = (
    "holding-statement", "press-release", "customer-notice", "employee-memo",
    "regulator-notification", "partner-notice", "social-post", "qa", "media-briefing",
    "video-script", "technical-summary", "board-briefing", "other",
)
MEDIA = (
    "website", "email", "sms", "social", "press", "letter", "portal", "intranet",
    "phone", "video", "in-person", "briefing", "chat",
)


def _describe(description: str, rules: Schema, example: Any = None, ref: str | None = None, *,
              private_detail: bool = False, prose: bool = False) -> Schema:
    """Rules with their ``meta``: the description and example, the section a reference points at,
    ``private_detail`` for details of an entry that the public edition leaves out when it is private,
    and ``prose`` for text that may use inline Markdown (code, emphasis, links; see escape.Prose)."""
    meta: Schema = {"description": description}
    if private_detail:
        meta["private_detail"] = True
    if prose:
        meta["prose"] = True
    if example is not None:
        meta["example"] = example
    if ref is not None:
        meta["ref"] = ref
    return {**rules, "meta": meta}


def text(description: str, *, required: bool = False, example: Any = None, private_detail: bool = False,
         **rules: Any) -> Schema:
    return _describe(description, {"type": "string", "empty": False, "required": required, **rules}, example,
                     private_detail=private_detail)


def prose(description: str, *, required: bool = False, example: Any = None, private_detail: bool = False) -> Schema:
    """Text that may use inline Markdown: `code`, *emphasis*, **strong**, [links](https://…) to https:,
    tel: and mailto:. Everything else in it is shown as text."""
    return _describe(description, {"type": "string", "empty": False, "required": required}, example,
                     private_detail=private_detail, prose=True)


def flag(description: str) -> Schema:
    return _describe(description, {"type": "boolean"})


def date(description: str, *, required: bool = False, example: str | None = None) -> Schema:
    return _describe(description, {"type": "date", "required": required}, example)


def duration(description: str, *, required: bool = False, example: str = "1h") -> Schema:
    return _describe(description, {"type": "string", "required": required, "check_with": "duration"}, example)


def deadline(description: str, *, example: str = "72h") -> Schema:
    """A duration, or one of :data:`PROMPTLY` for a plan that sets no fixed period ("without undue delay")."""
    return _describe(description, {"type": "string", "check_with": "deadline"}, example)


def ident(description: str = "Stable id: lowercase letters, digits and hyphens.",
          example: str = "comms-lead") -> Schema:
    return _describe(description, {"type": "string", "required": True, "check_with": "slug"}, example)


def ref(section: str, description: str, *, required: bool = False, example: str | None = None) -> Schema:
    return _describe(description, {"type": "string", "required": required, "check_with": "slug"}, example, section)


def refs(section: str, description: str, *, required: bool = False, example: list[str] | None = None) -> Schema:
    item = ref(section, f"Id of an entry in '{section}'.")
    return _describe(description, {"type": "list", "required": required, "schema": item}, example)


def texts(description: str, *, required: bool = False, example: list[str] | None = None) -> Schema:
    rules: Schema = {"type": "list", "required": required, "schema": {"type": "string", "empty": False}}
    if required:
        rules["minlength"] = 1
    return _describe(description, rules, example)


def entries(description: str, fields: Schema, *, required: bool = False, minlength: int = 0,
            private_detail: bool = False) -> Schema:
    rules: Schema = {"type": "list", "required": required, "schema": {"type": "dict", "schema": fields}}
    if minlength:
        rules["minlength"] = minlength
    return _describe(description, rules, private_detail=private_detail)


def mapping(description: str, fields: Schema, *, required: bool = False) -> Schema:
    return _describe(description, {"type": "dict", "required": required, "schema": fields})


DOCUMENT: Schema = {
    "title": text("Title shown on every page.", required=True, example="Cyber-incident communication playbook"),
    "organisation": text("The organisation's name; available to message templates as {{ organisation }}.",
                         required=True, example="Danubia Pay AG"),
    "version": text("Version of this playbook, as text (quote it: \"2.3\").", required=True, example="2.3"),
    "owner": ref("contacts", "Contact who maintains the playbook.", required=True, example="ana-horvat"),
    "approver": ref("contacts", "Contact who approved this version.", required=True, example="lukas-berger"),
    "approved_on": date("Date of approval (YYYY-MM-DD).", required=True, example="2026-10-20"),
    "next_review": date("Date by which the playbook must be reviewed again.", required=True, example="2027-04-30"),
    "classification": text("Handling marking shown on every page.", required=True, example="TLP:AMBER+STRICT"),
    "language": text("Language of the playbook as a BCP 47 tag.", required=True, example="en",
                     check_with="language"),
    "timezone": text("IANA time zone of the organisation's head office.", required=True,
                     example="Europe/Vienna", check_with="timezone"),
    "translations": _describe(
        "Other languages the plan's texts are written in, as BCP 47 tags. Each has its translation file beside "
        "playbook.yml (playbook.de.yml, playbook.sr-Latn.yml), which gives the translated texts by id.",
        {"type": "list", "schema": {"type": "string", "empty": False, "check_with": "language"}},
        ["de", "sr-Latn"]),
    "country": text("ISO 3166 two-letter code of the country whose national phone numbers (written without +) "
                    "and short numbers (112) the playbook uses, unless a contact's office says otherwise.",
                    example="AT", regex=COUNTRY),
    "exercise_within": duration("How recent the last exercise must be, once exercises are recorded "
                                "(default: 12 months).", example="12 months"),
    "call_tree_test_within": duration("How recent the last call-tree test must be (default: 6 months).",
                                      example="6 months"),
    "paper": _describe("Paper size of the printed playbook and wallet cards (default: Letter where the "
                       "document's country uses it, else A4).", {"type": "string", "allowed": list(PAPER_SIZES)}, "A4"),
    "history": entries("Change history, newest first.", {
        "version": text("Version the change produced.", required=True, example="2.3"),
        "date": date("Date of the change.", required=True, example="2026-10-20"),
        "summary": text("What changed, in one sentence.", required=True),
    }),
}

ROLE: Schema = {
    "id": ident(),
    "name": text("Name of the role.", required=True, example="Communication lead"),
    "summary": text("What the role is for, in one sentence.", required=True),
    "key": flag("A key role must be reachable out-of-band (a readiness check)."),
    "filled_by": prose("How the role is filled when the plan names no person for it: an on-call rota, a shift, "
                       "'whoever notices first'. Then no contact needs to fill it.",
                       example="The on-call incident commander (PagerDuty schedule 'IC')"),
    "deputies": _describe("How deputies are called when the primary does not answer: 'in turn' (by rank) or "
                          "'together' (all at once). Left out, the site says it is not set in the plan.",
                          {"type": "string", "allowed": ["in turn", "together"]}, "in turn"),
    "rotate_every": duration("The role passes to the next person on the rota at this interval.", example="6h"),
    "escalate_after": duration("If the primary does not answer within this time, engage the next deputy. Leave it "
                               "out when the plan sets no time: the site then says it is not set in the plan.",
                               example="15m"),
    "responsibilities": texts("What the role does during an incident.", required=True),
    "decisions": texts("Decisions this role owns."),
}

CONTACT: Schema = {
    "id": ident(example="ana-horvat"),
    "name": text("Person's or organisation's name.", required=True, example="Ana Horvat"),
    "title": text("Job title or function.", example="Head of Communications"),
    "organisation": text("Employer, for people outside the organisation.", example="Kanzlei Weiss & Partner"),
    "external": flag("True for people and organisations outside the organisation."),
    "office": ref("offices", "Office the contact works from; its country reads national phone numbers.",
                  example="belgrade"),
    "service": _describe("What an external party does for us.",
                         {"type": "string", "allowed": list(CONTACT_SERVICES)}, "law-firm"),
    "fills": entries("Roles this contact fills.", {
        "role": ref("roles", "The role filled.", required=True, example="comms-lead"),
        "as": _describe("primary or deputy.", {"type": "string", "required": True,
                                               "allowed": ["primary", "deputy"]}, "deputy"),
        "rank": _describe("Order among the deputies of the role (1 = first deputy; deputies of one rank are "
                          "called together).", {"type": "integer", "min": 1}, 1),
    }),
    "channels": entries("How to reach the contact.", {
        "type": _describe("Kind of channel.", {"type": "string", "required": True,
                                               "allowed": list(CONTACT_CHANNEL_TYPES)}, "mobile"),
        "value": text("Number, address, handle or place.", required=True, example="+43 660 123 4567"),
        "out_of_band": flag("Usable when corporate e-mail and chat may be read by the attacker."),
        "private": flag("Left out of the public edition of the site (a private phone, say)."),
        "note": prose("When or how to use it."),
    }, required=True, minlength=1, private_detail=True),
    "private": flag("All of this contact's channels and notes are left out of the public edition."),
    "verified_on": date("When the details were last checked by calling or messaging.", required=True,
                        example="2026-10-01"),
    "notes": prose("Anything else the crisis team should know.", private_detail=True),
}

TEAM_CHANNEL: Schema = {
    "id": ident(example="signal-crisis-group"),
    "name": text("Name of the channel.", required=True, example="Signal crisis group"),
    "kind": _describe("Kind of channel.", {"type": "string", "required": True,
                                           "allowed": list(TEAM_CHANNEL_KINDS)}, "messenger"),
    "out_of_band": _describe("True if it does not depend on the corporate network or accounts.",
                             {"type": "boolean", "required": True}, True),
    "how_to_join": text("How a team member gets on the channel.", required=True),
    "use_for": text("What the channel is used for.", required=True),
    "fallback": ref("channels", "Channel to use when this one is down.", example="phone-bridge"),
}

AUDIENCE: Schema = {
    "id": ident(example="customers"),
    "name": text("Name of the audience.", required=True, example="Customers"),
    "owner": ref("roles", "Role that owns the relationship.", required=True, example="customer-lead"),
    "description": prose("Who they are and what they need from us.", required=True),
    "reach": text("How we reach them.", required=True),
    "timezone": text("Time zone to plan releases for, if not the head office's.",
                     example="Europe/Belgrade", check_with="timezone"),
}

OFFICE: Schema = {
    "id": ident(example="belgrade"),
    "name": text("Office name.", required=True, example="Belgrade engineering hub"),
    "city": text("City.", required=True, example="Belgrade"),
    "country": text("ISO 3166 two-letter country code.", required=True, example="RS", regex=COUNTRY),
    "timezone": text("IANA time zone.", required=True, example="Europe/Belgrade", check_with="timezone"),
    "lead": ref("roles", "Role that leads communication at this office.", example="hr-lead"),
}

CLOCK: Schema = {
    "due": duration("Time allowed.", required=True, example="72h"),
    "from": text(f"What starts the clock: one of {', '.join(CLOCK_EVENTS)}, or the id of an earlier stage "
                 "(a stage may not be named like an event).", required=True, example="awareness"),
    "from_year_end": flag("Count from the end of the calendar year in which 'from' falls (an annual report)."),
}

#: How a regulator's day-based periods end and begin (generator/deadlines.py applies them).
COUNTING_ENDS = r"time of day|end of day|([01][0-9]|2[0-3]):[0-5][0-9]"
COUNTING_STARTS = ("counts", "waits", "disputed")
COUNTING: Schema = {
    "ends": text("When the last day of a day, business-day or month period ends: 'time of day' (the start's "
                 "time; the default), 'end of day', or a filing cut-off such as '17:30'.", example="end of day",
                 regex=COUNTING_ENDS),
    "non_business_start": _describe(
        "A business-day count that starts on a weekend or holiday: 'counts' (the first business day after is "
        "day 1; the default), 'waits' (the count starts after that day), or 'disputed' (both are shown).",
        {"type": "string", "allowed": list(COUNTING_STARTS)}, "counts"),
    "dispute": text("Why the start is disputed, and which reading is safer."),
    "rule": text("The counting rule in words, from the rule's text."),
}

#: A duty that comes back: a daily update to a supervisor, an hourly status report.
REPEAT: Schema = {
    "every": duration("It repeats at this interval after the first time (daily updates, hourly reports).",
                      example="1 day"),
    "until": _describe("Until when it repeats, in the plan's words.",
                       {"type": "string", "empty": False, "dependencies": "every"}, "the supervisor closes the case"),
}

#: When an entry (a checklist item, a message template, a regulator's stage) applies: in the plan's
#: words, and by severity level and scenario. With none of these it always applies.
CONDITION: Schema = {
    "when": prose("The situation in which it applies, in the plan's words; shown before it.",
                  example="Card data may be affected"),
    "severities": refs("severities", "It applies only at these severity levels (default: at every level).",
                       example=["sev1"]),
    "scenarios": refs("scenarios", "It applies only in these scenarios (default: in every scenario).",
                      example=["ransomware"]),
}

CALENDAR: Schema = {
    "country": text("ISO country code whose public holidays are not business days.", required=True,
                    example="AT", regex=COUNTRY),
    "subdivision": text("Region whose holidays also count, where the country has regional ones.", example="9"),
    "timezone": text("IANA time zone business days are counted in (default: the incident's).",
                     example="Europe/Vienna", check_with="timezone"),
    "hours": text("The service window business hours are counted in, on business days: 'HH:MM-HH:MM'.",
                  example="08:00-17:00", regex=SERVICE_HOURS),
}

STAGE: Schema = {
    "id": ident(example="initial"),
    "name": text("Name of the stage.", required=True, example="Initial notification"),
    **CLOCK,
    "due": deadline(f"Time allowed, or how the rule says it when it sets no period ({', '.join(PROMPTLY)}); "
                    "leave it out when the plan sets none: the site then says it is not set in the plan."),
    "no_later_than": mapping("A second, outer limit: the stage is due at whichever comes first.", CLOCK),
    "limit_dispute": text("Another reading of the outer limit once it has passed, shown beside it."),
    "note": prose("Anything to know about this stage."),
    **REPEAT,
    **CONDITION,
}

REGULATOR: Schema = {
    "id": ident(example="at-dsb"),
    "name": text("Authority's name.", required=True, example="Austrian Data Protection Authority (DSB)"),
    "regime": text("Id of a notification regime in the packaged catalogue; it supplies the stages, law and "
                   "required content unless they are given here.", example="gdpr-dpa"),
    "jurisdiction": text("Where its rules apply (default: the regime's; otherwise not set in the plan).",
                         example="Austria"),
    "law": text("The provision that requires the notification (default: the regime's; a plan may name none).",
                example="GDPR Art. 33"),
    "applies_when": text("When we must notify (defaults to the regime's scope).", example=None),
    "authority": ref("contacts", "Contact entry for the authority.", example="dsb-austria"),
    "owner": ref("roles", "Role that files the notification (left out: not set in the plan).", example="dpo"),
    "submit": text("How to submit, step by step.", required=True),
    "calendar": mapping("Holidays and time zone for business-day deadlines.", CALENDAR),
    "counting": mapping("How its day-based periods begin and end (default: the start's time of day).", COUNTING),
    "stages": entries("Deadline stages, in order (required without a regime; replace the regime's).",
                      STAGE, minlength=1),
    "required_content": texts("What the notification must contain (default: the regime's)."),
    "note": prose("Caveats, for example where national law differs."),
}

#: Keys a regulator must have when it names no regime.
REGULATOR_WITHOUT_REGIME = ("stages",)

#: An entry of the packaged catalogue of notification regimes (generator/regimes.yml).
REGIME: Schema = {
    "id": ident(example="gdpr-dpa"),
    "name": text("Name of the regime.", required=True),
    "jurisdiction": text("Where it applies.", required=True),
    "applies_to": text("Who must notify.", required=True),
    "notify": text("Whom to notify.", required=True),
    "in_force": flag("False for rules not yet in force: they produce no deadline."),
    "verified": flag("False when the entry rests on secondary sources only."),
    "calendar": mapping("Holidays and time zone for its business-day deadlines.", CALENDAR),
    "counting": mapping("How its day-based periods begin and end.", COUNTING),
    "stages": entries("Deadline stages, in order.", {
        **STAGE,
        "due": duration("Time allowed; absent for 'without undue delay' and the like.", example="72h"),
        "rule": text("The rule in words.", required=True),
    }, required=True, minlength=1),
    "required_content": texts("What the notification must contain.", required=True),
    "citation": text("The provisions.", required=True),
    "source_url": text("Where the text can be read.", required=True, regex="https://.+"),
    "last_reviewed": date("When the entry was last checked.", required=True),
    "caveats": texts("Limits of the entry."),
}

TEMPLATE: Schema = {
    "id": ident(example="holding-statement"),
    "title": text("Title of the template.", required=True, example="Holding statement"),
    "kind": _describe("Kind of message.", {"type": "string", "required": True,
                                           "allowed": list(TEMPLATE_KINDS)}, "holding-statement"),
    "audiences": refs("audiences", "Audiences the message serves.", required=True, example=["media"]),
    "medium": _describe("Where the message is published or sent (or give 'media' for several).",
                        {"type": "string", "allowed": list(MEDIA)}, "website"),
    "media": _describe("Where the message is published or sent, when it goes out in several media.",
                       {"type": "list", "schema": {"type": "string", "allowed": list(MEDIA)}}, ["email", "letter"]),
    "phase": ref("phases", "Phase in which the message is used (or give 'phases' for several).", example="disclosure"),
    "phases": refs("phases", "Phases in which the message is used, when it is used in several.",
                   example=["disclosure", "follow-up"]),
    "recipients": mapping("Who it goes to and from, as the plan says.", {
        "to": texts("Recipients, addresses or lists.", example=["All affected customers"]),
        "cc": texts("Copied to.", example=["dpo@danubiapay.example"]),
        "sender": text("Who it is sent as.", example="Danubia Pay Customer Care <care@danubiapay.example>"),
        "distribution_list": text("The distribution list it goes through.", example="all-staff"),
        "via": text("An intermediary that passes it on (a scheme, an association, a supervisor's portal).",
                    example="the acquiring bank"),
    }),
    "companions": refs("templates", "Messages that must go out together with this one.",
                       example=["social-post", "faq"]),
    "merge_fields": entries("Fields filled in per recipient (mail merge), written (( name )) in the text.", {
        "id": _describe("Name used as (( name )) in the text.",
                        {"type": "string", "required": True, "check_with": "identifier"}, "customer_name"),
        "label": text("What goes in it.", required=True, example="The customer's name as on the account"),
    }),
    "specimen": text("A filled example of the message as it would go out, for training and review; never sent."),
    "notes": entries("Notes for the writer, each on a topic.", {
        "topic": text("What the note is about.", required=True, example="Tone"),
        "text": prose("The note.", required=True),
    }),
    "regulators": refs("regulators", "For a regulator notification: the regulators it serves.", example=["at-dsb"]),
    "approval": _describe(
        f"Who must approve the message before it goes out, or '{NO_APPROVAL}' when the plan has no approval "
        "step for it. Left out, the site says approval is not set in the plan.",
        {"type": ["dict", "string"], "check_with": "approval", "schema": {
            "approvers": refs("roles", "Roles that may approve.", required=True, example=["comms-lead", "legal"]),
            "quorum": _describe("How many of the approvers must agree (default: all).",
                                {"type": "integer", "min": 1}, 2),
            "conditional": entries("Approvers needed only in some situations.", {
                "role": ref("roles", "The role that must also approve.", required=True, example="dpo"),
                "when": prose("When its approval is needed, in the plan's words.", required=True,
                              example="The message mentions personal data"),
            }),
            "respond_within": duration("How soon approvers are expected to answer.", example="30m"),
            "fallback": mapping("What counts as approval when not enough approvers answered in time.", {
                "after": duration("How long to wait for the approvers first.", required=True, example="30m"),
                "quorum": _describe("How many of 'of' must agree then.", {"type": "integer", "min": 1,
                                                                          "required": True}, 2),
                "of": refs("roles", "The roles whose agreement then suffices (default: the approvers).",
                           example=["ceo", "cfo", "legal", "ciso"]),
            }),
        }}, {"approvers": ["comms-lead", "legal"]}),
    "owner": ref("roles", "The role that drafts the message and sees it out (its directly responsible role).",
                 example="comms-lead"),
    "contributors": refs("roles", "Roles that contribute to the text.", example=["ciso"]),
    "informed": refs("roles", "Roles that get the message for information before it goes out (FYI).",
                     example=["crisis-lead"]),
    "max_chars": _describe("Length limit of the medium (SMS, social posts).", {"type": "integer", "min": 1}, 280),
    "subject": text("Subject or headline. May use {{ values }} and [[ incident facts ]]."),
    "body": text("Text of the message. {{ name }} is filled from 'values' at build time; "
                 "[[ name ]] is an incident fact filled in during the incident. Give either a body or an outline."),
    "outline": texts("Points the message must cover, when the plan gives an outline rather than approved text: "
                     "the team writes the text at the time.", example=["What happened", "What we are doing"]),
    "required_clauses": texts("Sentences that must stay in the message; each must appear in the body as written."),
    "optional_lines": texts("Lines the writer may add when they apply."),
    **REPEAT,
    **CONDITION,
}

PHASE: Schema = {
    "id": ident(example="assessment"),
    "name": text("Name of the phase.", required=True, example="Detection and assessment"),
    "goal": prose("What the phase achieves.", required=True),
    "starts_when": text("What moves the incident into this phase.", required=True),
    "owner": ref("roles", "Role that owns the phase's checklist (the default owner of its items).",
                 example="comms-lead"),
    "covert": flag("True while the attacker may still be inside: no e-mail or chat about the incident."),
    "procedures": refs("procedures", "On-demand procedures that may be needed during this phase."),
    "checklist": entries("What must be done in this phase.", {
        "id": ident("Stable id of the item, unique in the playbook; ticks are stored under it.", "assess-convene"),
        "action": prose("What to do, as an instruction; `commands` in backticks get a copy button.", required=True),
        "owner": ref("roles", "Role that does it (default: the phase's owner).", example="ciso"),
        "due": deadline(f"Deadline, counted from 'from': a duration, or the plan's words when it sets no period "
                        f"({', '.join(PROMPTLY)}).", example="1h"),
        "from": _describe(f"What the deadline counts from: an event ({', '.join(CLOCK_EVENTS)}), "
                          "'phase-start' (the start of this item's phase), the id of a phase (its start), or a "
                          "milestone another item marks (default: awareness).",
                          {"type": "string", "check_with": "slug"}, "awareness"),
        **REPEAT,
        "marks": _describe("A milestone this item marks when it is ticked, named by an id; other items' deadlines "
                           "may count from it.", {"type": "string", "check_with": "slug"}, "external-response-decided"),
        "templates": refs("templates", "Message templates the item uses."),
        "contacts": refs("contacts", "Contacts the item involves."),
        "regulators": refs("regulators", "Regulators the item concerns."),
        "channels": refs("channels", "Team channels the item uses."),
        "note": prose("Advice for doing it well."),
        "handover": _describe("In a hand-over, which holder of the owner role does it: 'outgoing', 'incoming' "
                              "or 'both'.", {"type": "string", "allowed": list(HANDOVER_SIDES)}, "outgoing"),
        **CONDITION,
    }, required=True, minlength=1),
}

#: What a step of an on-demand procedure may say: a checklist item without a clock (a procedure runs
#: when it is needed, not in the phase sequence).
PROCEDURE_STEP: Schema = {key: rules for key, rules in PHASE["checklist"]["schema"]["schema"].items()
                          if key not in ("due", "from", "every", "until", "marks")}

PROCEDURE: Schema = {
    "id": ident(example="stand-down"),
    "name": text("Name of the procedure.", required=True, example="Stand-down after a false alarm"),
    "use_when": prose("When to run it, in the plan's words.", required=True,
                      example="The alarm turns out to be false, or the incident is over."),
    "owner": ref("roles", "Role that runs it (the default owner of its steps).", example="crisis-lead"),
    "checklist": entries("Its steps, in order.", PROCEDURE_STEP, required=True, minlength=1),
}

#: Who is brought in, on what trigger, by whom, how, and how often they hear from us.
ESCALATION: Schema = {
    "id": ident(example="board"),
    "name": text("Name of the escalation.", required=True, example="Management board"),
    "trigger": prose("When it happens, in the plan's words.", required=True,
                     example="Customer funds or card data may be affected"),
    "engage": refs("roles", "Roles brought in.", example=["board"]),
    "contacts": refs("contacts", "People or organisations brought in, where the plan names them.",
                     example=["hausbank-crisis-desk"]),
    "by": refs("roles", "Roles that escalate.", required=True, example=["crisis-lead"]),
    "channel": ref("channels", "Channel the escalation goes through.", example="phone-bridge"),
    "continuous": flag("They stay engaged throughout (on the bridge, in the channel) rather than being updated."),
    **REPEAT,
    "note": prose("Anything else to know."),
    **CONDITION,
}

#: A status an incident can be in; the first listed is where every incident starts.
STATUS: Schema = {
    "id": ident(example="false-alarm"),
    "name": text("Name of the status.", required=True, example="False alarm"),
    "means": prose("What it means, in the plan's words.", required=True,
                   example="The assessment found no incident."),
    "next": refs("statuses", "Statuses the incident may move to from this one (none: it is final).",
                 example=["resolved"]),
    "procedure": ref("procedures", "Procedure to run on entering this status.", example="stand-down"),
}

#: An event an exercise of a scenario plays out, written by the organisation (the exercise pack adds it to the
#: injects it makes from the plan itself).
INJECT: Schema = {
    "id": ident(example="ceo-abroad"),
    "title": text("Short title of the inject, shown on its card.", required=True, example="The CEO is abroad"),
    "at": duration("When it happens, counted from 'from' (elapsed time or calendar days).", required=True,
                   example="3h"),
    "from": _describe("What 'at' counts from: an event (awareness, detection…), the id of a phase (its start) or a "
                      "milestone a checklist item marks (default: awareness).",
                      {"type": "string", "check_with": "slug"}, "awareness"),
    "text": prose("What the facilitator reads out or hands over.", required=True,
                  example="The CEO's assistant says she is on a plane until 18:00."),
    "items": texts("Checklist items (and procedure steps) it should trigger, by id.", example=["assess-board"]),
    "templates": refs("templates", "Messages it should lead to.", example=["board-briefing"]),
    "regulators": refs("regulators", "Regulators it concerns.", example=["at-fma"]),
    "contacts": refs("contacts", "Contacts it involves.", example=["lukas-berger"]),
    "roles": refs("roles", "Roles it is addressed to.", example=["crisis-lead"]),
    "decisions": texts("Decisions it expects, in the plan's words.", example=["Who briefs the board instead"]),
    "questions": texts("Questions for the discussion after it.", example=["Who may speak for the CEO?"]),
}

SCENARIO: Schema = {
    "id": ident(example="ransomware"),
    "name": text("Name of the scenario.", required=True, example="Ransomware"),
    "description": prose("What it looks like and what is special about it.", required=True),
    "severity": ref("severities", "Severity it usually starts at.", example="sev1"),
    "phases": refs("phases", "Phases that apply.", required=True),
    "procedures": refs("procedures", "On-demand procedures this scenario may need."),
    "regulators": refs("regulators", "Regulators likely to need notifying."),
    "templates": refs("templates", "Templates most likely needed."),
    "injects": entries("The organisation's own injects for an exercise of this scenario (`playbook exercise`); "
                       "the exercise pack adds those it makes from the plan.", INJECT),
}

SEVERITY_SCALE: Schema = {
    "id": ident(example="csirt"),
    "name": text("Name of the scale.", required=True, example="National CSIRT incident classification"),
    "assigned_by": text("Who assigns a level on this scale when it is not the organisation (an authority, a "
                        "scheme).", example="The national CSIRT"),
    "note": prose("Anything else to know about the scale."),
}

SEVERITY: Schema = {
    "id": ident(example="sev1"),
    "name": text("Name of the level.", required=True, example="SEV1 - Critical"),
    "scale": ref("severity_scales", "The scale the level belongs to, when the plan uses more than one.",
                 example="csirt"),
    "maps_to": refs("severities", "Levels of other scales that correspond to this one.", example=["csirt-high"]),
    "means": text("What this level means, in plain words.", required=True),
    "phases": refs("phases", "Phases this level brings in.", required=True),
    "templates": refs("templates", "Templates this level brings in."),
    "cadence": entries("How often each audience hears from us.", {
        "audience": ref("audiences", "Audience updated.", required=True, example="customers"),
        "every": duration("Interval between updates.", required=True, example="60m"),
        "during": duration("For how long this cadence holds (then see the note).", example="24h"),
        "note": prose("What happens after that."),
    }),
}

INCIDENT_FACT: Schema = {
    "id": _describe("Name used as [[ name ]] in templates: lowercase letters, digits and underscores.",
                    {"type": "string", "required": True, "check_with": "identifier"}, "next_update"),
    "label": text("Question the team answers during the incident.", required=True,
                  example="When is the next update?"),
    "hint": text("How to answer it well."),
    "example": text("An example answer."),
}

GLOSSARY_TERM: Schema = {
    "term": text("The term.", required=True, example="Out-of-band"),
    "definition": text("What it means, in plain words.", required=True),
}

EXERCISE_KINDS = ("tabletop", "walkthrough", "simulation", "call-tree-test", "live")
FINDING_STATUSES = ("open", "done", "dropped")

#: An exercise of the plan, and what it found.
EXERCISE: Schema = {
    "id": ident(example="tabletop-2026-09"),
    "date": date("When it took place.", required=True, example="2026-09-17"),
    "kind": _describe("Kind of exercise.", {"type": "string", "required": True, "allowed": list(EXERCISE_KINDS)},
                      "tabletop"),
    "scenario": ref("scenarios", "The scenario exercised.", example="ransomware"),
    "participants": refs("roles", "Roles that took part.", example=["crisis-lead", "comms-lead"]),
    "tested": texts("What was tested.", example=["The first hour", "The DSB notification"]),
    "version": text("Version of the playbook exercised.", example="3.0"),
    "findings": entries("What it found, each with an owner, a due date and a status.", {
        "finding": prose("What was found.", required=True, example="The deputy DPO's number was wrong."),
        "owner": ref("roles", "Role that fixes it.", required=True, example="dpo"),
        "due": date("By when.", example="2026-10-31"),
        "status": _describe("Where it stands.", {"type": "string", "required": True,
                                                 "allowed": list(FINDING_STATUSES)}, "open"),
    }),
}

#: A readiness warning the plan deliberately does not follow, accepted after a review.
READINESS_EXCEPTION: Schema = {
    "rule": text("The readiness rule accepted, as `playbook validate` names it in the warning.", required=True,
                 example="role-has-a-deputy"),
    "about": texts("Ids of the entries it covers (default: every entry the rule warns about).",
                   example=["incident-commander"]),
    "reason": prose("Why the plan deliberately differs, in the plan's words.", required=True,
                    example="The incident commander role rotates daily; the on-call rota is its cover."),
    "reviewed_by": ref("contacts", "Who reviewed and accepted it.", required=True, example="ana-horvat"),
    "reviewed_on": date("When it was reviewed; an exception older than a year warns again.", required=True,
                        example="2026-10-01"),
}


# --- the registry of entities ----------------------------------------------------------

@dataclass(frozen=True)
class Entity:
    """One kind of entry of the format, and everything the rest of the generator needs to know about it.

    Validation (ids, references), the model, links between pages, the diff, the public edition,
    the reference page and the benchmark read this registry instead of listing sections themselves.
    """

    kind: str  #: the one name of the entity in code, links and messages: ``role``, ``template``
    section: str  #: where its entries live in playbook.yml (inside ``within`` for nested ones)
    fields: Schema
    label: str  #: heading of its section (diff, reference): ``Message templates``
    description: str  #: what the section holds (the format reference)
    required: bool = False  #: the section must have at least one entry
    id_field: str = "id"  #: the key that identifies an entry (unique in the playbook)
    title_field: str = "name"  #: the key that names an entry for people
    #: Where an entry is shown on the site: a page path, ``{id}`` for one page per entry, and an
    #: anchor after ``#`` when the entry is a part of a page. None: it has no place of its own.
    page: str | None = None
    within: str | None = None  #: the section whose entries hold these (checklist items: phases)
    words: str | None = None  #: the singular in messages, when it is not ``kind`` (``incident fact``)

    @property
    def singular(self) -> str:
        return self.words or self.kind

    @property
    def path(self) -> tuple[str, ...]:
        """Key path from the top of playbook.yml to the list of entries (list indexes left out)."""
        return (self.within, self.section) if self.within else (self.section,)

    @property
    def referable(self) -> bool:
        """Whether other entries may point at it by id (then ids are unique and checked)."""
        return self.id_field == "id" and self.within is None

    @cached_property
    def referred_by(self) -> tuple[str, ...]:
        """Every field (``templates[].phase``) that may point at an entry of this kind."""
        return tuple(path for path, section in reference_fields() if section == self.section)


ENTITIES: tuple[Entity, ...] = (
    Entity("incident_fact", "incident_facts", INCIDENT_FACT, "Incident facts",
           "Facts the team fills in during an incident, used in templates as [[ name ]].",
           title_field="label", words="incident fact"),
    Entity("role", "roles", ROLE, "Roles", "Crisis-team roles.", required=True, page="contacts.md#role-{id}"),
    Entity("contact", "contacts", CONTACT, "Contacts",
           "People and organisations, with the roles they fill and how to reach them.", required=True,
           page="contacts.md#contact-{id}"),
    Entity("channel", "channels", TEAM_CHANNEL, "Channels",
           "How the crisis team talks, including the out-of-band plan.", required=True,
           page="channels.md#channel-{id}"),
    Entity("audience", "audiences", AUDIENCE, "Audiences", "Who we communicate with.", required=True,
           page="audiences.md#audience-{id}"),
    Entity("office", "offices", OFFICE, "Offices", "Offices and time zones a coordinated release must reach."),
    Entity("regulator", "regulators", REGULATOR, "Regulators", "Authorities to notify, with their deadlines.",
           page="regulators.md#regulator-{id}"),
    Entity("template", "templates", TEMPLATE, "Message templates", "Message templates.", required=True,
           title_field="title", page="messages/{id}.md", words="template"),
    Entity("phase", "phases", PHASE, "Phases", "Incident phases, in order, each with its checklist.",
           required=True, page="phases/{id}.md"),
    Entity("checklist_item", "checklist", PHASE["checklist"]["schema"]["schema"], "Checklist items",
           "What must be done in this phase.", title_field="action", within="phases", words="checklist item"),
    Entity("procedure", "procedures", PROCEDURE, "Procedures",
           "On-demand checklists outside the phase sequence: stand-down after a false alarm, hand-over of the "
           "incident lead, a leaked credential.", page="procedures/{id}.md"),
    Entity("procedure_step", "checklist", PROCEDURE_STEP, "Procedure steps", "Its steps, in order.",
           title_field="action", within="procedures", words="procedure step"),
    Entity("escalation", "escalations", ESCALATION, "Escalations",
           "Who is brought in, on what trigger, by which role, through which channel, at what cadence.",
           page="escalations.md#escalation-{id}"),
    Entity("status", "statuses", STATUS, "Incident statuses",
           "The incident's lifecycle, in order, the first where every incident starts (event, confirmed or false "
           "alarm, resolved); the incident page records each change in the log.", page="incident.md#status-{id}",
           words="status"),
    Entity("severity_scale", "severity_scales", SEVERITY_SCALE, "Severity scales",
           "The scales severity levels belong to, when the plan uses more than one (its own and an authority's).",
           page="severity.md#scale-{id}", words="severity scale"),
    Entity("severity", "severities", SEVERITY, "Severity levels", "Severity levels, most severe first.",
           page="severity.md#severity-{id}"),
    Entity("scenario", "scenarios", SCENARIO, "Scenarios", "Incident scenarios.", page="scenarios.md#scenario-{id}"),
    Entity("term", "glossary", GLOSSARY_TERM, "Glossary", "Terms explained for non-technical readers.",
           id_field="term", title_field="term"),
    Entity("exercise", "exercises", EXERCISE, "Exercises", "Exercises of the plan and what they found.",
           title_field="id", page="exercises.md#exercise-{id}"),
    Entity("exception", "exceptions", READINESS_EXCEPTION, "Readiness exceptions",
           "Readiness warnings the plan deliberately does not follow, each reviewed: `--strict` accepts them.",
           id_field="rule", title_field="rule", words="readiness exception"),
)
#: Every entity by kind and by (top-level) section.
ENTITY = {entity.kind: entity for entity in ENTITIES}
SECTION = {entity.section: entity for entity in ENTITIES if entity.within is None}


def _section(entity: Entity) -> Schema:
    return entries(entity.description, entity.fields, required=entity.required, minlength=int(entity.required))


# --- translation files ---------------------------------------------------------------------

#: The texts a translation file (``playbook.<language>.yml``) may give in its language, per entity kind.
#: Everything else of an entry (ids, durations, references, contact details) is the same in every language.
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "incident_fact": ("label", "hint"),
    "role": ("name", "summary", "responsibilities", "decisions"),
    "channel": ("name", "how_to_join", "use_for"),
    "audience": ("name", "description", "reach"),
    "office": ("name",),
    "template": ("title", "subject", "body", "outline", "required_clauses", "optional_lines"),
    "phase": ("name", "goal", "starts_when"),
    "checklist_item": ("action", "note"),
    "procedure": ("name", "use_when"),
    "procedure_step": ("action", "note"),
    "escalation": ("name", "trigger"),
    "status": ("name", "means"),
    "severity": ("name", "means"),
    "scenario": ("name", "description"),
}
#: The document's texts a translation file may give.
TRANSLATABLE_DOCUMENT = ("title",)
#: What ``not_translated`` says for a whole section: every entry the file does not translate.
ALL_ENTRIES = "all"


def _translated_entry(entity: Entity) -> Schema:
    """The fields of an entry of ``entity`` in a translation file: its id, its texts, its nested entries."""
    own = entity.fields[entity.id_field]  # an incident fact's id is a name (next_update), the others' slugs
    fields: Schema = {entity.id_field: _describe(f"Id of the {entity.singular} in playbook.yml.",
                                                 {k: v for k, v in own.items() if k != "meta"},
                                                 own["meta"].get("example"))}
    for name in TRANSLATABLE.get(entity.kind, ()):
        fields[name] = {**entity.fields[name], "required": False}
    for inner in ENTITIES:
        if inner.within == entity.section:
            fields[inner.section] = entries(f"{inner.label}, by id.", _translated_entry(inner))
    return fields


#: The sections a translation file may have: those whose entries (or nested entries) have texts.
TRANSLATED_SECTIONS = tuple(e.section for e in ENTITIES if e.within is None and (
    e.kind in TRANSLATABLE or any(i.within == e.section and i.kind in TRANSLATABLE for i in ENTITIES)))

#: A translation file, ``playbook.<language>.yml`` beside playbook.yml: the texts of one language,
#: mirroring playbook.yml's ids; what it leaves in the original language deliberately, it says.
TRANSLATION: Schema = {
    "document": mapping("Document control in this language.", {
        name: {**DOCUMENT[name], "required": False} for name in TRANSLATABLE_DOCUMENT}),
    "values": _describe("Organisation values that read differently in this language (opening hours, an address "
                        "written the local way); the others are used as in playbook.yml.",
                        {"type": "dict", "keysrules": {"type": "string", "check_with": "identifier"},
                         "valuesrules": {"type": "string", "empty": False}}),
    **{section: entries(f"{SECTION[section].label} in this language, by id.", _translated_entry(SECTION[section]))
       for section in TRANSLATED_SECTIONS},
    "not_translated": mapping(
        "Texts this file deliberately leaves in the plan's language, per section: 'all' (every entry of the "
        "section this file does not translate) or a list of ids. They are listed as notices, not warnings.", {
            "reason": text("Why they stay untranslated, in the plan's words.", required=True,
                           example="Only messages that go out in German are translated; the team works in English."),
            "document": _describe("'all' to leave the document's title untranslated.",
                                  {"type": "string", "allowed": [ALL_ENTRIES]}, ALL_ENTRIES),
            **{section: _describe(f"'{ALL_ENTRIES}', or ids of {SECTION[section].label.lower()} (or of entries "
                                  "inside them) left untranslated.",
                                  {"type": ["string", "list"], "check_with": "all_or_ids",
                                   "schema": {"type": "string", "check_with": SECTION[section].fields[
                                       SECTION[section].id_field]["check_with"]}}, ALL_ENTRIES)
               for section in TRANSLATED_SECTIONS},
        }),
}


#: The whole file: document control, organisation values, then one list per top-level entity.
PLAYBOOK: Schema = {
    "format": _describe(f"Version of the playbook's format: {FORMAT_VERSION}. A file without it is format 1; "
                        "`playbook migrate` rewrites it.", {"type": "integer", "required": True,
                                                             "allowed": [FORMAT_VERSION]}, FORMAT_VERSION),
    "document": mapping("Document control.", DOCUMENT, required=True),
    "values": _describe("Organisation values used in templates as {{ name }}; filled at build time.",
                        {"type": "dict", "keysrules": {"type": "string", "check_with": "identifier"},
                         "valuesrules": {"type": "string", "empty": False}}),
    **{entity.section: _section(entity) for entity in ENTITIES if entity.within is None},
}
#: Headings of the sections that are not lists of entities.
SECTION_LABELS = {"format": "Format", "document": "Document", "values": "Values"} | {
    e.section: e.label for e in ENTITIES if e.within is None}


def format_of(data: dict[str, Any]) -> int | None:
    """The format version ``data`` is written in: 1 when it does not say (the first format had no
    ``format`` key), its number when it does, None when ``format`` is not a whole number."""
    value = data.get("format", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def is_mapping(rules: Schema) -> bool:
    """Whether ``rules`` accept a mapping (alone, or as one of its forms: an approval's list or "none")."""
    kind = rules.get("type")
    return kind == "dict" or (isinstance(kind, list) and "dict" in kind)


def reference_fields(rules: Schema | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """Every (field path, section it points at) of the format, found through ``meta.ref``."""
    rules = rules or {"type": "dict", "schema": PLAYBOOK}
    found: list[tuple[str, str]] = []
    if rules.get("meta", {}).get("ref"):
        found.append((prefix, rules["meta"]["ref"]))
    inner = rules.get("schema")
    if rules.get("type") == "list" and inner is not None:
        found += reference_fields(inner, f"{prefix}[]")
    elif is_mapping(rules) and inner is not None:
        for name, field in inner.items():
            found += reference_fields(field, f"{prefix}.{name}" if prefix else name)
    return found


#: contacts.private.yml: channels kept out of the repository, added to contacts by id at build time.
PRIVATE_CONTACTS: Schema = {
    "contacts": _describe("Private channels by contact id.", {
        "type": "dict", "required": True, "keysrules": {"type": "string", "check_with": "slug"},
        "valuesrules": {"type": "dict", "schema": {"channels": CONTACT["channels"]}},
    }),
}

#: Sections whose entries carry an ``id`` others may point at, in the order they appear in the format.
ID_SECTIONS = tuple(entity.section for entity in ENTITIES if entity.referable)

#: The packaged catalogue file as a whole.
CATALOGUE: Schema = {"regimes": entries("Notification regimes.", REGIME, required=True, minlength=1)}
