"""Auditor commands: verify the chain, sign and check digests, replay a year, show history."""

import json
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NoReturn
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from thidua_ledger.application import Ledger, open_ledger
from thidua_ledger.audit import digests, fast_verify, files
from thidua_ledger.audit.clocks import position_at
from thidua_ledger.audit.parallel import replay_in_parallel
from thidua_ledger.audit.provenance import HistoryEntry
from thidua_ledger.audit.provenance import history as entity_history
from thidua_ledger.audit.replay import replay_all, replay_year
from thidua_ledger.audit.snapshots import SnapshotFinding, check_snapshots
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.settings import get_settings

app = typer.Typer(help="Auditor tools: what the ledger said, who recorded it, and proof it was not altered.")
console = Console(stderr=True)
JSON = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")


def existing_ledger() -> Ledger:
    """The ledger the settings name, if it is there: reading never creates an empty one (an
    auditor pointed at a wrong path once got "chain intact: 0 events" and exit 0)."""
    settings = get_settings()
    if settings.store == "sqlite":
        try:
            files.check_ledger_file(settings.sqlite_path)
        except files.MissingLedger as error:
            console.print(f"[red]{error}[/]", soft_wrap=True)
            raise typer.Exit(2) from None
        for warning in files.copy_warnings(settings.sqlite_path):
            console.print(f"[yellow]warning: {warning}[/]", soft_wrap=True)
    return open_ledger(settings)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)


def _emit(data: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _position(ledger: Ledger, known_at: str | None) -> int | None:
    """A log position, or an ISO moment turned into the last position recorded by then."""
    if known_at is None:
        return None
    if known_at.isdigit():
        return int(known_at)
    try:
        return position_at(ledger.recorder, datetime.fromisoformat(known_at))
    except ValueError:
        raise typer.BadParameter("give a log position or an ISO 8601 moment", param_hint="--known-at") from None


@app.command()
def verify(as_json: bool = JSON, snapshots: bool = typer.Option(
        False, "--snapshots", help="Also check every stored snapshot against the chain and the log."),
           workers: int = typer.Option(1, min=1, max=64, help="Processes to share the log among."),
           progress: bool = typer.Option(False, "--progress",
                                         help="Print the positions checked and the rate, a line per segment.")) -> None:
    """Walk the hash chain; name the first altered, deleted, inserted or reordered event."""
    ledger = existing_ledger()
    with _progress() as bar:
        task = bar.add_task("verifying", total=ledger.position())
        started = time.perf_counter()

        def reached(position: int) -> None:
            bar.update(task, completed=position)
            if progress:
                rate = position / max(time.perf_counter() - started, 1e-9)
                console.print(f"verified up to position {position} ({rate:,.0f} events/s)")

        report = fast_verify.verify(ledger.recorder, workers, partial(fast_verify.settings_recorder, get_settings()),
                                    progress=reached)
    result = report.as_dict()
    findings: list[SnapshotFinding] = []
    if snapshots:
        checked, findings = check_snapshots(ledger)
        result["snapshots"] = {"checked": checked, "findings": [f.as_dict() for f in findings]}
    _emit(result, as_json)
    if not as_json:
        if report.ok:
            console.print(f"[green]chain intact[/]: {report.checked} events, head {report.head[:16]}… "
                          f"at position {report.head_position}")
        else:
            f = report.finding
            assert f is not None
            console.print(f"[red]{f.kind} at position {f.position}[/]: {f.detail}")
        if snapshots:
            console.print(f"snapshots checked: {result['snapshots']['checked']}, refused or differing: "
                          f"{len(findings)}")
            for s in findings:
                console.print(f"[red]snapshot {s.entity_id} v{s.version}: {s.verdict}[/]: {s.detail}")
    raise typer.Exit(0 if report.ok and not findings else 1)


def _refuse(rule: str, error: Exception) -> NoReturn:
    console.print(f"[red]refused ({rule})[/]: {error}", soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def digest(output: Path = typer.Option(None, help="Write the digest to this file (default: stdout).")) -> None:
    """Sign the chain head (Ed25519, LEDGER_DIGEST_SIGNING_KEY_FILE), as GET /audit/digest does,
    for auditors to keep."""
    ledger = existing_ledger()
    try:
        signed = digests.sign(ledger.recorder, digests.signing_key(get_settings().digest_signing_key_file))
    except digests.MissingKey as error:
        _refuse(digests.NO_KEY, error)
    except digests.DigestRefused as error:
        _refuse(digests.INTACT_ONLY, error)
    text = json.dumps(signed, indent=2)
    if output:
        output.write_text(text + "\n")
        console.print(f"digest of position {signed['position']} written to {output}", soft_wrap=True)
    else:
        typer.echo(text)


@app.command("check-digest")
def check_digest(path: Path = typer.Argument(..., exists=True, dir_okay=False,
                                             help="A digest from `ledger digest` or GET /audit/digest."),
                 public_key: Path = typer.Option(
                     None, "--public-key", help="The digest public key (PEM), as GET /audit/digest/public-key "
                     "publishes it (default: LEDGER_DIGEST_PUBLIC_KEY_FILE; never the signing key)."),
                 as_json: bool = JSON) -> None:
    """Prove that the history up to an old digest was not rewritten since. Checks with the public
    key only: nothing here can sign."""
    ledger = existing_ledger()
    settings = get_settings()
    try:
        # Never derived from the signing key, even when this machine holds it: the checker must be
        # something that cannot sign, so it is handed the public key and nothing else.
        public = digests.published_key(public_key or settings.digest_public_key_file, None)
    except digests.MissingKey as error:
        _refuse(digests.NO_KEY, error)
    try:
        report = digests.check(ledger.recorder, json.loads(path.read_text()), public)
    except (digests.DigestRefused, ValueError) as error:  # ValueError: not JSON at all
        _refuse(digests.THIS_LEDGER, error if isinstance(error, digests.DigestRefused)
                else digests.DigestRefused(f"{path} is not JSON"))
    _emit(report.as_dict(), as_json)
    if not as_json:
        console.print("[green]history unchanged up to the digest[/]" if report.ok
                      else f"[red]rewritten[/]: {report.finding}", soft_wrap=True)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def replay(cluster: UUID | None = typer.Option(None, help="The cluster's id."),
           year: int | None = typer.Option(None, help="The emulation year."),
           everything: bool = typer.Option(False, "--all", help="Every cluster and year, and the award register."),
           workers: int = typer.Option(1, min=1, max=64, help="With --all: processes to share the log among."),
           known_at: str = typer.Option(None, help="A log position or ISO moment (default: now)."),
           as_json: bool = JSON) -> None:
    """Rebuild a cluster's year (or everything, with --all) from the log from scratch and
    compare it with the live state; exit 1 on a mismatch."""
    if not everything and (cluster is None or year is None):
        raise typer.BadParameter("give --cluster and --year, or --all", param_hint="--cluster/--year")
    if workers > 1 and not everything:
        raise typer.BadParameter("shares out a replay of everything: use it with --all", param_hint="--workers")
    ledger = existing_ledger()
    position = _position(ledger, known_at)
    with _progress() as bar:
        reading = bar.add_task("replaying the log", total=position or ledger.position())

        def read(done: int, total: int) -> None:
            bar.update(reading, completed=done, total=total)

        if everything and workers > 1:
            bar.update(reading, description=f"replaying the log in {workers} processes")
            register, report = replay_in_parallel(get_settings(), ledger, workers, position)
            bar.update(reading, completed=position or ledger.position())
            awards: int | None = len(register.entries)
        elif everything:
            comparing = bar.add_task("comparing with the live state", total=None)
            rebuilt, report = replay_all(ledger, position, progress=read,
                                         compared=lambda n, total: bar.update(comparing, completed=n, total=total))
            awards = len(rebuilt.register.entries)
        else:
            assert cluster is not None and year is not None  # checked above
            try:
                report, awards = replay_year(ledger, cluster, year, position, progress=read), None
            except NotFound as error:
                console.print(f"[red]{error}[/]")
                raise typer.Exit(2) from None
    _emit({**report.as_dict(), **({"awards": awards} if awards is not None else {})}, as_json)
    if not as_json:
        console.print(f"read {report.events_read} events, applied {report.events_applied} to "
                      f"{report.entities_compared} clusters and years"
                      + (f", {awards} awards in the register" if awards is not None else "") + ": "
                      + ("[green]matches the live state[/]" if report.matches else "[red]differs[/]"))
        for m in report.mismatches:
            console.print(f"  {m.kind} {m.entity_id}: {', '.join(m.differing_fields)}; "
                          f"first at {m.first_difference}")
    raise typer.Exit(0 if report.matches else 1)


@app.command()
def backup(target: Path = typer.Argument(..., help="The file to write; it must not exist.")) -> None:
    """Copy the SQLite ledger consistently, while it runs, into one self-contained file
    (SQLite's online backup API: the events still in the -wal are copied too)."""
    settings = get_settings()
    if settings.store != "sqlite":
        console.print("[red]the ledger is in PostgreSQL: back it up with pg_dump[/]", soft_wrap=True)
        raise typer.Exit(2)
    try:
        pages = files.backup(settings.sqlite_path, target)
    except (files.MissingLedger, FileExistsError) as error:
        console.print(f"[red]{error}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{settings.sqlite_path} copied to {target} ({pages} pages)", soft_wrap=True)


@app.command()
def history(entity: str = typer.Argument(..., help="Any entity's id (unit, cluster, year, decree…)."),
            known_at: str = typer.Option(None, help="A log position or ISO moment (default: now)."),
            wide: bool = typer.Option(False, "--wide", help="Every column on one wide table (default: 80 "
                                      "columns)."),
            as_json: bool = JSON) -> None:
    """An entity's events in order: what, its data, when it happened, when recorded, by whom and why."""
    try:
        entity_id = UUID(entity)
    except ValueError:
        console.print(f"[red]{entity} is not an entity id (a UUID)[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    ledger = existing_ledger()
    try:
        events = entity_history(ledger, entity_id, _position(ledger, known_at))
    except NotFound:
        console.print(f"[red]no entity {entity_id} in the ledger[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    _emit([e.model_dump(mode="json") for e in events], as_json)
    if not as_json:
        # Wide: each column as wide as its longest cell (a terminal or pager scrolls sideways).
        Console(width=1000 if wide else 80).print(_history_table(events, wide))


def _history_table(events: list[HistoryEntry], wide: bool) -> Table:
    """One row per event; in 80 columns the clocks share a cell and the data wraps."""
    if wide:
        table = Table("pos", "type", "effective", "recorded", "data", "actor (role)", "reason / source")
    else:
        table = Table("pos", "fact · effective · recorded", "by · why")
        table.add_column("data", overflow="fold", ratio=3)  # ids whole, folded, never cut
        table.columns[1].ratio, table.columns[2].ratio = 2, 2
        table.columns[1].overflow = "fold"
    for e in events:
        p = e.provenance
        recorded = e.recorded_at.isoformat(" ", "seconds")
        by, why = f"{p.actor} ({p.role})", " / ".join(x for x in (p.reason, p.source_ref) if x)
        if wide:
            table.add_row(str(e.position), e.type, str(e.stated_date), recorded, _data(e), by, why)
        else:
            table.add_row(str(e.position), f"{e.type}\n{e.stated_date}\n{recorded}",
                          f"{by}\n{why}" if why else by, _data(e))
    return table


def _data(event: HistoryEntry) -> str:
    """What the fact records, a field a line (its effective date has a column of its own), then
    its event id and the chain of corrections it belongs to: the id it names, the id replacing it."""
    chain = [f"id: {event.id}"]
    if "original" in event.data:
        chain.append(f"names {event.data['original']}")
    if event.corrected_by:
        chain.append(f"replaced by {event.corrected_by}")
    fields = event.fact().model_dump(mode="json", exclude={"effective_date", "date_precision"}, exclude_none=True)
    return "\n".join([f"{name}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
                     for name, value in fields.items()] + chain)
