"""The ``playbook`` command: a thin layer over the library.

Only this module prints or exits. Exit codes: 0 success, 1 invalid input or failed
build, 2 usage error (click's own).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import schema as S
from .errors import PlaybookError, Problem, ProblemsError, shown, system_error_text
from .schema import EDITIONS, Edition

DEFAULT_PLAYBOOK = "playbook.yml"


def _count(problems: list[Problem], severity: str) -> str:
    n = sum(1 for p in problems if p.severity == severity)
    return f"{n} {severity}{'' if n == 1 else 's'}"


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _report_text(file: str, problems: list[Problem], failed: bool) -> str:
    printed = shown(problems)
    lines = [str(p) for p in printed.problems] + ([printed.summary] if printed.more else [])
    verdict = "invalid" if failed else "valid"
    lines.append(f"{file}: {verdict} ({_count(problems, 'error')}, {_count(problems, 'warning')})")
    return "\n".join(lines)


def _report_json(file: str, problems: list[Problem], failed: bool) -> str:
    import json  # here, not at the top: `playbook validate` prints text unless asked

    printed = shown(problems)
    return json.dumps({
        "file": file,
        "valid": not failed,
        "errors": sum(1 for p in problems if p.severity == "error"),
        "warnings": sum(1 for p in problems if p.severity == "warning"),
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "path": p.path,
             "severity": p.severity, "message": p.message, "hint": p.hint}
            for p in printed.problems
        ],
        # Problems past the first SHOWN_PROBLEMS are not listed, only counted by kind.
        "more": printed.more,
        "more_by_kind": printed.more_by_kind,
        "more_summary": printed.summary,
    }, indent=2, ensure_ascii=False)


def _report_github(file: str, problems: list[Problem], failed: bool) -> str:
    lines = []
    printed = shown(problems)
    for p in printed.problems:
        props = [f"file={_github_escape(p.file, prop=True)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.column}"]
        if p.path:
            props.append(f"title={_github_escape(p.path, prop=True)}")
        lines.append(f"::{p.severity} {','.join(props)}::{_github_escape(p.text)}")
    if printed.more:
        lines.append(f"::notice file={_github_escape(file, prop=True)}::{_github_escape(printed.summary)}")
    lines.append(_report_text(file, problems, failed).splitlines()[-1])
    return "\n".join(lines)


REPORTERS: dict[str, Callable[[str, list[Problem], bool], str]] = {
    "text": _report_text, "json": _report_json, "github": _report_github,
}


@contextmanager
def _user_errors(debug: bool) -> Iterator[None]:
    """Turn the library's errors into a message and exit code 1; never a traceback."""
    try:
        yield
    except PlaybookError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except OSError as exc:  # the machine's conditions (a full disk, a read-only folder), not a bug
        click.echo(system_error_text(exc), err=True)
        sys.exit(1)
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug in the tool: say so plainly, keep the traceback behind --debug
        if debug:
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in the playbook tool; run again with --debug and report the output.", err=True)
        sys.exit(1)


#: Set in ctx.obj by main() alone: the command is the whole process (`playbook …`), not cli() called inside another
#: program's process (tests, tools), so it may tune the process's garbage collector.
OWN_PROCESS = "own_process"
#: A build's garbage-collector thresholds: a young-generation collection every 5,000 new objects, not every 700
#: (as mypy does for its own runs: it makes many objects that live to the end). At 1x the build's own process
#: spent 70-75 ms of CPU collecting (172 young collections, 15 middle, 1 full); with these and the freeze below,
#: 30-34 ms, measured in process with the collector's callbacks. 10,000 collected a little less but raised the
#: peak memory of a 16x build by 18 MB (10%); 5,000, by 2 MB.
BUILD_COLLECTION = (5_000, 10, 10)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .versions import version_text

        click.echo(version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the versions of the tool, the format, and the time-zone and holiday data, and exit.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Validate a crisis-communication playbook and build its offline site."""
    ctx.ensure_object(dict)["debug"] = debug


playbook_argument = click.argument("path", default=DEFAULT_PLAYBOOK, type=click.Path(dir_okay=True, path_type=Path))
as_of_option = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Check readiness as of this date (YYYY-MM-DD) instead of today.",
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat readiness warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="How to print the problems; github prints workflow annotations.")
@as_of_option
@click.option("--private", "private", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Private contact details to check with it (default: contacts.private.yml beside PATH, if any).")
@click.pass_obj
def validate(obj: dict[str, Any], paths: tuple[Path, ...], strict: bool, output_format: str,
             as_of: dt.datetime | None, private: Path | None) -> None:
    """Check each PATH (default: playbook.yml) and report every problem at once, file by file.

    Exits 0 when every playbook is valid, 1 when one is not (or, with --strict, has warnings).
    With several paths, --format json prints a list of reports.
    """
    from . import check
    from .trust import trusted_code

    if private is not None and len(paths) > 1:
        raise click.UsageError("--private belongs to one playbook; give one PATH with it")
    reports, any_failed = [], False
    from . import cycles_collected_after

    with _user_errors(obj["debug"]), cycles_collected_after():
        for path in paths or (Path(DEFAULT_PLAYBOOK),):
            try:
                problems = check(path, today=as_of.date() if as_of else None, private=private)
            except ProblemsError as exc:
                problems = exc.problems
            if strict:
                problems = sorted([*problems, *trusted_code(path.parent)], key=lambda p: (p.file, p.line, p.column))
            failed = any(p.severity == "error" or (strict and p.severity == "warning") for p in problems)
            any_failed = any_failed or failed
            reports.append(REPORTERS[output_format](str(path), problems, failed))
    if output_format == "json" and len(reports) > 1:
        import json

        click.echo(json.dumps([json.loads(report) for report in reports], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(reports))
    sys.exit(1 if any_failed else 0)


class _Moment(click.ParamType[str]):
    """A date and time (``2026-03-27T10:00``); without an offset it is read in --tz (see deadlines.read_time)."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date and time; write it like 2026-03-27T10:00", param, ctx)
        return str(value)


class _TimeZone(click.ParamType[Any]):
    name = "ZONE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from zoneinfo import ZoneInfo

        from .zones import resolve_zone

        try:
            return ZoneInfo(resolve_zone(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Filed(click.ParamType[tuple[str, str]]):
    name = "STAGE=TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        stage, _, moment = str(value).partition("=")
        if not stage or not moment:
            self.fail(f"'{value}' is not STAGE=TIME; write it like initial=2026-03-27T15:10 "
                      "(or at-fma/initial=... where several regulators have that stage)", param, ctx)
        return stage.strip(), moment.strip()


#: Clock events the `clock` command takes, besides --aware: option name → event (from the schema's one list).
EVENT_OPTIONS = {option: event for event, option in S.CLOCK_EVENT_OPTIONS.items() if event != "awareness"}


def _event_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One option per clock event but awareness (``--detected TIME``…), with the event's meaning as help."""
    for option, event in reversed(EVENT_OPTIONS.items()):
        command = click.option(f"--{option}", type=_Moment(),
                               help=f"When: {S.CLOCK_EVENT_MEANINGS[event]} ({event}).")(command)
    return command


def _clock_text(rows: list[Any], events: dict[str, dt.datetime], zone: Any, warnings: list[str]) -> str:
    def stamp(moment: dt.datetime) -> str:
        return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")

    def utc(moment: dt.datetime) -> str:
        return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%MZ}"

    lines = [f"{event.capitalize()}: {stamp(moment)} ({moment.astimezone(dt.UTC):%H:%M} UTC)"
             for event, moment in events.items()]
    lines += [f"Warning: {warning}" for warning in warnings]
    timed = [d for d in rows if d.sort_time is not None]
    if timed:
        lines += ["", f"{'Due (' + str(zone) + ')':<26} {'Due (UTC)':<18} Regulator: stage"]
    for d in timed:
        if d.due is None:
            lines.append(f"{'?':<26} {'?':<18} {d.regulator.name}: {d.stage.name} [waiting]")
            lines.append(f"{'':<46}{d.explanation}")
            lines.append(f"{'':<46}If {d.stage.clock.start} equals awareness, due at {stamp(d.hint)} ({utc(d.hint)})")
            continue
        mark = " [outer limit]" if d.status == "outer limit" else ""
        filed = f" [filed {stamp(d.filed)}]" if d.filed else ""
        lines.append(f"{stamp(d.due):<26} {utc(d.due)}  {d.regulator.name}: {d.stage.name}{mark}{filed}")
        lines += [f"{'':<46}{note}" for note in d.notes]
        if d.other is not None:
            lines.append(f"{'':<46}Other reading: {stamp(d.other)} ({utc(d.other)})")
    untimed = [d for d in rows if d.sort_time is None]
    if untimed:
        lines += ["", "Without a time:"]
        lines += [f"  {d.regulator.name}: {d.stage.name} - {d.status}: {d.explanation}" for d in untimed]
    lines += ["", "Computed from the times given. National law can differ; this is not legal advice."]
    return "\n".join(lines)


def _filed_times(playbook: Any, given: tuple[tuple[str, str], ...], zone: Any) -> dict[tuple[str, str], dt.datetime]:
    from .deadlines import read_time

    filed = {}
    for name, moment in given:
        regulator, _, stage = name.rpartition("/")
        matches = [(r.id, s.id) for r in playbook.regulators for s in r.stages
                   if s.id == stage and (not regulator or r.id == regulator)]
        if not matches:
            known = sorted({f"{r.id}/{s.id}" for r in playbook.regulators for s in r.stages})
            raise click.BadParameter(f"no stage '{name}'; known: {', '.join(known)}", param_hint="--filed")
        if len(matches) > 1:
            raise click.BadParameter(f"stage '{stage}' is in several regulators; write one of "
                                     f"{', '.join(f'{r}/{s}' for r, s in matches)}", param_hint="--filed")
        try:
            filed[matches[0]] = read_time(moment, zone, f"filing time of {name}")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--filed") from None
    return filed


@cli.command()
@playbook_argument
@click.option("--aware", required=True, type=_Moment(), help="When the organisation became aware of the incident.")
@click.option("--tz", "zone", type=_TimeZone(), default=None,
              help="Time zone the times are given in (default: the playbook's).")
@click.option("--show-tz", "show_zone", type=_TimeZone(), default=None,
              help="Time zone the deadlines are shown in (default: --tz). Periods always count in the "
                   "regulator's or the playbook's zone.")
@_event_options
@click.option("--filed", "filed", type=_Filed(), multiple=True,
              help="When a stage was filed (repeatable): later stages count from it.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_obj
def clock(obj: dict[str, Any], /, path: Path, aware: str, zone: Any, show_zone: Any,
          filed: tuple[tuple[str, str], ...], as_json: bool, **moments: Any) -> None:
    """List every deadline stage of every regulator in PATH, sorted by due time.

    Times without an offset are read in --tz; a time the clocks skipped or showed twice is refused
    with the ways to write it. Stages whose start is not given, with no fixed period, or of rules not
    in force are listed after the timed ones. A stage filed (--filed STAGE=TIME) starts the stages
    chained to it at its filing time; unfiled, they count from its deadline, with a note.
    """
    from zoneinfo import ZoneInfo

    from . import open_playbook
    from .deadlines import deadlines, order_problems, read_time

    with _user_errors(obj["debug"]):
        playbook = open_playbook(path, display_name=str(path)).playbook
        zone = zone or ZoneInfo(playbook.document.timezone)
        show_zone = show_zone or zone
        given = {"awareness": aware, **{EVENT_OPTIONS[k]: v for k, v in moments.items() if v is not None}}
        events = {}
        for event, text in given.items():
            option = f"--{S.CLOCK_EVENT_OPTIONS[event]}"
            try:
                events[event] = read_time(text, zone, f"time of {event}")
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint=option) from None
        stages_filed = _filed_times(playbook, filed, zone)
        rows = deadlines(playbook, events, None, stages_filed)
    if as_json:
        import json

        click.echo(json.dumps([row.as_dict(show_zone) for row in rows], indent=2, ensure_ascii=False))
    else:
        click.echo(_clock_text(rows, events, show_zone, order_problems(events)))


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="Plain text, or Markdown for a changelog or a pull request.")
@click.pass_obj
def diff(obj: dict[str, Any], old: str, new: str, output_format: str) -> None:
    """Show what changed from OLD to NEW, each a playbook file or a git revision (v3.0, HEAD~1, v3.0:other.yml).

    A value private in either version shows as (private): the output goes into pull requests and changelogs.
    Exits 0 whether or not there are changes; 1 when a side cannot be read or is not valid.
    """
    from .diff import as_markdown, as_text, compare, private_values, read_side, without_private

    with _user_errors(obj["debug"]):
        before, old_name = read_side(old, Path.cwd())
        after, new_name = read_side(new, Path.cwd())
        changes = without_private(compare(before, after), private_values(before, after))
    show = as_markdown if output_format == "markdown" else as_text
    click.echo(show(changes, old_name, new_name).rstrip("\n"))


def _log_mkdocs(verbose: bool) -> None:
    import logging  # here, not at the top: `playbook validate` runs no MkDocs and logs nothing

    class _MkDocsMessages(logging.Handler):
        """Prints MkDocs' warnings (and progress, when verbose). Errors are not printed here: they
        arrive in the BuildError, which the command prints once."""

        def __init__(self, verbose: bool) -> None:
            super().__init__(logging.INFO if verbose else logging.WARNING)

        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                return
            message = record.getMessage()
            if record.levelno == logging.WARNING and "warning:" not in message:
                message = f"warning: {message}"
            click.echo(message, err=True)

    logger = logging.getLogger("mkdocs")
    logger.handlers = [_MkDocsMessages(verbose)]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


config_option = click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
    show_default=True, help="The MkDocs configuration of the site.",
)
#: The environment variable --sign is read from when not given (CI); sign.SIGNING_VARIABLE, without the import.
SIGNING_VARIABLE = "PLAYBOOK_SIGNING_KEY"
#: Where --protect reads the passphrase; protect.PASSPHRASE_VARIABLE, without the import.
PASSPHRASE_VARIABLE = "PLAYBOOK_PASSPHRASE"
#: The engines `build --engine` takes; engines.ENGINES, without the import.
ENGINE_NAMES = ("mkdocs", "zensical")


def edition_option(default: Edition | None = None,
                   default_text: str = "as in mkdocs.yml, else internal") -> Callable[..., Any]:
    """--edition, written once: build, pdf and exercise default to mkdocs.yml's; publish to public."""
    return click.option("--edition", type=click.Choice(EDITIONS), default=default,
                         help=f"public: leave out private contact details (default: {default_text}).")


sign_option = click.option(
    "--sign", "signing_key", type=click.Path(dir_okay=True, path_type=Path), default=None, envvar=SIGNING_VARIABLE,
    help=f"Sign with this Ed25519 private key (OpenSSH), whose public half is committed as signing.pub "
         f"(default: ${SIGNING_VARIABLE}, if set).",
)


@cli.command()
@config_option
@click.option("--strict/--no-strict", default=None,
              help="Fail on any warning (MkDocs' strict mode; default: as in mkdocs.yml, else off).")
@edition_option()
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@sign_option
@click.option("--language", metavar="TAG", default=None,
              help="The language of the site's own words, as a BCP 47 tag: en, de, sr-Latn, sr-Cyrl (default: as in "
                   "mkdocs.yml, else the playbook's document.language). The plan's texts are in it "
                   "where the plan is translated into it (document.translations).")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), default=None,
              help="The engine that builds the pages (default: the playbook plugin's engine in mkdocs.yml, "
                   "else mkdocs).")
@click.option("--protect", is_flag=True,
              help=f"Encrypt the whole site with a passphrase, read from ${PASSPHRASE_VARIABLE} or asked for "
                   "(never an option: it would show in process lists).")
@click.option("--clean", is_flag=True,
              help="Empty the work folder Zensical builds keep (.playbook-work/) first: the build starts cold.")
@click.pass_obj
def build(obj: dict[str, Any], config_file: Path, strict: bool | None, edition: Edition | None, verbose: bool,
          signing_key: Path | None, language: str | None, engine: str | None, protect: bool, clean: bool) -> None:
    """Build the site into site/ and the offline bundle into dist/.

    The old site and bundle are replaced only when the build succeeded. With --sign, the site's manifest
    of every file and the zip are signed (OpenSSH signatures: `playbook verify`, or `ssh-keygen -Y verify`).
    With --protect, every page, the search index and the incident tools' data are encrypted: the site
    asks for the passphrase once per browser tab.
    """
    from . import ahead
    from .i18n import asked_tag

    _log_mkdocs(verbose)
    if not config_file.is_file():
        raise click.UsageError(f"{config_file}: no such file; run this where mkdocs.yml is, or pass -f")
    passphrase = _passphrase() if protect else None
    with _user_errors(obj["debug"]):
        try:
            asked = asked_tag(language, "--language")
            if clean:
                from .engines import clean_work
                clean_work(config_file.resolve().parent)
            if obj.get(OWN_PROCESS):
                gc.set_threshold(*BUILD_COLLECTION)  # before the fork, so that the worker collects less too
            # The pages are generated in a second process while this one imports MkDocs (ahead.py).
            ahead.start(config_file, edition=edition, language=asked, protected=protect)
            from .build import build as build_site  # imports MkDocs, so only when building
            from .conversions import two_cores_allowed
            if obj.get(OWN_PROCESS):
                # What is imported by now (nearly every module the plugin uses) lives as long as the process:
                # frozen, the collector does not walk it again while MkDocs builds.
                gc.freeze()

            with two_cores_allowed():  # its MkDocs builds convert pages on two cores
                built = build_site(config_file, strict=strict, edition=edition, signing_key=signing_key,
                                   passphrase=passphrase, language=asked, engine=engine)
        except PlaybookError as exc:
            click.echo(str(exc), err=True)
            click.echo("Build failed; site/ and dist/ are unchanged.", err=True)
            sys.exit(1)
        finally:
            ahead.discard()
    from .multilingual import folder_of
    click.echo(f"Site:   {built.site}")
    click.echo(f"Bundle: {built.bundle}")
    if built.languages:
        click.echo("Languages: " + ", ".join(f"{tag} ({built.site.name}/{folder_of(tag, built.languages)})"
                                            for tag in built.languages))
    if protect:
        click.echo("Protected: every page asks for the passphrase once per browser tab; keep the passphrase "
                   "apart from the stick.")
    if built.signature is not None:
        click.echo(f"Signed: {built.signature} (key {built.fingerprint})")
    elif built.public_key is not None:
        click.echo(f"Not signed: the pages name the key {built.public_key}; sign a release with --sign KEY", err=True)
    click.echo(f"Open:   {(built.site / 'index.html').as_uri()}")


def _passphrase() -> str:
    """The protected edition's passphrase: $PLAYBOOK_PASSPHRASE, else typed twice at a terminal."""
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise click.UsageError(f"--protect needs a passphrase: set {PASSPHRASE_VARIABLE}, or run at a terminal "
                               "to be asked for it")
    return str(click.prompt("Passphrase", hide_input=True, confirmation_prompt=True, err=True))


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--key", "public_key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The public key the copy must be signed with (default: the playbook plugin's public_key "
                   "in mkdocs.yml, else signing.pub beside it).")
@config_option
@click.pass_obj
def verify(obj: dict[str, Any], target: Path, public_key: Path | None, config_file: Path) -> None:
    """Check that TARGET is a copy signed with the playbook's key, and that no file in it changed.

    TARGET is an offline bundle (the zip, with its .sig beside it, or its folder in dist/), a site
    folder, or an unzipped bundle. Every file changed, added or removed since signing is named.
    Exits 0 when the copy is the signed one, 1 when it is not (or is not signed).
    """
    from .sign import configured_public_key
    from .sign import verify as check_copy

    with _user_errors(obj["debug"]):
        key = public_key or configured_public_key(config_file)
        verified = check_copy(target, key)
    click.echo(f"{target}: verified: signed with {verified.key.fingerprint} ({key}); "
               f"{verified.files} files match the signed manifest")


@cli.command()
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.pass_obj
def serve(obj: dict[str, Any], config_file: Path, dev_addr: str) -> None:
    """Serve the site with live reload of playbook.yml, templates/ and content/.

    After an edit with problems, the terminal and the browser show them (file:line:col) and the last
    good site stays served; the page reloads by itself once the files are fixed.
    """
    from .commands.serve import serve as serve_site  # imports MkDocs, so only when serving

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_mkdocs(verbose=True)
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"'{dev_addr}' is not HOST:PORT, like 127.0.0.1:8000", param_hint="--dev-addr")
    if not config_file.is_file():
        raise click.UsageError(f"{config_file}: no such file; run this where mkdocs.yml is, or pass -f")
    with _user_errors(obj["debug"]):
        serve_site(config_file, host, int(port), lambda text: click.echo(text, err=True))


@cli.command()
@click.argument("version")
@config_option
@click.option("--alias", "aliases", multiple=True, help="Another name for this version, e.g. latest (repeatable).")
@click.option("--branch", default="gh-pages", show_default=True, help="Branch the versions are kept on.")
@click.option("--push", is_flag=True, help="Push the branch to --remote (the only step that uses the network).")
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@edition_option("public", "public; 'internal' is refused: a branch is served to whoever reaches the site")
@sign_option
@click.pass_obj
def publish(obj: dict[str, Any], version: str, config_file: Path, aliases: tuple[str, ...], branch: str, push: bool,
            remote: str, edition: Edition, signing_key: Path | None) -> None:
    """Deploy the site as VERSION with mike, make it the default, and write the offline archive of every version.

    VERSION and each alias are 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.

    Aliases are copies, not symbolic links, so the archive survives FAT/exFAT sticks and Windows unzip.
    """
    from .commands.publish import publish as publish_site

    _log_mkdocs(verbose=False)
    with _user_errors(obj["debug"]):
        published = publish_site(config_file, version, list(aliases), branch=branch, push=push, remote=remote,
                                 edition=edition, signing_key=signing_key)
    click.echo(f"Published {version}{' as ' + ', '.join(aliases) if aliases else ''} on branch {published.branch}"
               f"{' and pushed to ' + remote if push else ''}; default: {published.default}.")
    click.echo(f"Offline archive of every version: {published.archive}")
    if published.fingerprint:
        click.echo(f"Signed with {published.fingerprint}: the version, each version in the archive, and the archive.")
    if published.fingerprint and published.unsigned:
        click.echo(f"Not signed on the branch (published before signing): {', '.join(published.unsigned)}; the "
                   "archive's own signature covers them.")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=True, path_type=Path))
@click.option("--organisation", default="Example Organisation", show_default=True, help="The organisation's name.")
@click.option("--tz", "timezone", default="Europe/Vienna", show_default=True, help="IANA time zone of the head office.")
@click.pass_obj
def new(obj: dict[str, Any], directory: Path, organisation: str, timezone: str) -> None:
    """Create DIRECTORY with a new organisation's playbook repository that validates and builds at once."""
    from .commands.new import new_playbook, tool_pin
    from .zones import is_timezone

    if not is_timezone(timezone):
        raise click.BadParameter(f"unknown time zone '{timezone}'; use an IANA name like Europe/Vienna",
                                 param_hint="--tz")
    with _user_errors(obj["debug"]):
        written = new_playbook(directory, organisation=organisation, timezone=timezone)
    click.echo(f"Created {directory} with {len(written)} files. Next:")
    click.echo(f"  cd {directory} && playbook validate && playbook build")
    if "PLAYBOOK_TOOL_COMMIT" not in tool_pin():
        click.echo("Before CI can run: this tool was not installed from git, so the CI files do not say which "
                   "commit to install; set PLAYBOOK_TOOL_COMMIT (and PLAYBOOK_TOOL_REPOSITORY) in "
                   ".github/workflows/playbook.yml or .gitlab-ci.yml (README, CI).")


@cli.command()
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The playbook PDF (default: dist/<organisation>-<version>-playbook.pdf); the cards go beside it.")
@edition_option()
@click.pass_obj
def pdf(obj: dict[str, Any], config_file: Path, output: Path | None, edition: Edition | None) -> None:
    """Print the whole playbook, and a wallet card per role, as PDFs (headless Chromium, offline)."""
    from .commands.pdf import make_pdfs

    _log_mkdocs(verbose=False)
    with _user_errors(obj["debug"]):
        printed = make_pdfs(config_file, output, edition=edition)
    click.echo(f"Playbook: {printed.playbook}")
    click.echo(f"Cards:    {printed.cards}")


@cli.command()
@click.argument("scenario")
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The PDF (default: dist/<organisation>-<version>-exercise-<scenario>.pdf).")
@edition_option()
@click.pass_obj
def exercise(obj: dict[str, Any], scenario: str, config_file: Path, output: Path | None,
             edition: Edition | None) -> None:
    """Print the exercise pack of SCENARIO (facilitator guide, injects, handouts) as a PDF; it is on the site too."""
    from .commands.exercise import make_pack

    _log_mkdocs(verbose=False)
    with _user_errors(obj["debug"]):
        printed = make_pack(config_file, scenario, output, edition=edition)
    click.echo(f"Exercise pack: {printed.pdf} ({printed.injects} injects)")
    click.echo(f"On the site:   {printed.page}")


@cli.command("after-action")
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@playbook_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here (Markdown; put it in content/ to add it to the site) instead of printing it.")
@click.option("--language", metavar="TAG", default=None,
              help="The language of the report, as a BCP 47 tag: en, de, sr-Latn, sr-Cyrl (default: the playbook's "
                   "document.language). The plan's texts are in it where the plan is translated into it.")
@click.pass_obj
def after_action(obj: dict[str, Any], log: Path, path: Path, output: Path | None, language: str | None) -> None:
    """Compare an exported exercise (or incident) LOG with the plan in PATH: deadlines met or missed, items done late
    or never, messages copied, roles that never acted, the call tree; and propose findings to paste."""
    from . import open_playbook
    from .afteraction import read_log, report_in, report_language

    with _user_errors(obj["debug"]):
        playbook = open_playbook(path, display_name=str(path)).playbook
        chosen, warnings = report_language(playbook, language)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        text = report_in(playbook, read_log(log), chosen)
        if output is not None:
            from .paths import check_output_file

            # Inside the project, and never over a file this command did not write (the playbook, say).
            check_output_file(output, path.resolve().parent, "--output", text.split(":", 1)[0].encode())
            output.write_text(text, encoding="utf-8")
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"After-action report: {output}")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="playbook.yml")
@click.option("--check", is_flag=True, help="Only say whether PATH needs migrating (exit 1 if it does).")
@click.pass_obj
def migrate(obj: dict[str, Any], path: Path, check: bool) -> None:
    """Rewrite PATH (default: playbook.yml) in the current format, keeping its comments and layout."""
    from .commands.migrate import migrate as rewrite

    with _user_errors(obj["debug"]):
        done = rewrite(path, write=not check)
    if done.old == done.new:
        click.echo(f"{path}: already format {done.new}; nothing to do")
    elif check:
        click.echo(f"{path}: format {done.old}; `playbook migrate {path}` rewrites it as format {done.new}")
        sys.exit(1)
    else:
        click.echo(f"{path}: rewritten from format {done.old} to format {done.new}; comments kept. Check it "
                   f"with `playbook validate {path}` and `git diff`.")


@cli.command()
@click.option("--translation", is_flag=True,
              help="The schema of a translation file (playbook.de.yml…) instead of playbook.yml's.")
def schema(translation: bool) -> None:
    """Print the JSON Schema of playbook.yml, for editors (derived from the format's one schema)."""
    import json

    from .schema_json import json_schema, translation_json_schema

    click.echo(json.dumps(translation_json_schema() if translation else json_schema(), indent=2,
                          ensure_ascii=False))


def main() -> None:
    """The `playbook` command, as a process of its own (tests call :data:`cli` in theirs)."""
    try:
        cli(prog_name="playbook", obj={OWN_PROCESS: True})
    finally:
        _end_without_collecting()


def _end_without_collecting() -> None:
    """The process ends next, and Python's last act would be a full cyclic collection walking every object
    still alive (each module's functions, classes and data, and whatever the command still holds) to free
    memory the system takes back at exit anyway: a tenth of `playbook validate`. Frozen, they are out of its reach (the
    modules are still torn down and the atexit handlers still run); objects made after, by threads still
    running, are still collected."""
    gc.freeze()
