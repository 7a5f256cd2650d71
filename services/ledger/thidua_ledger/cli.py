"""The `ledger` command: serve the API, issue tokens, and the operator and auditor tools."""

from pathlib import Path

import typer
import uvicorn
from thidua_events.topics import AWARDS_TOPIC, EVENTS_TOPIC

from thidua_ledger.api.server import SERVER_OPTIONS
from thidua_ledger.cli_access import account_app, demo_accounts, grant_demo_clerk, keys_app, token
from thidua_ledger.cli_audit import app as audit_app
from thidua_ledger.cli_audit import existing_ledger
from thidua_ledger.settings import get_settings

app = typer.Typer(help="thidua ledger: the event log of emulation years.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    access_log: bool = typer.Option(False, help="Log every request (the documents service polls /log)."),
) -> None:
    """Serve the ledger API (OpenAPI at /docs)."""
    # uvicorn's own proxy headers are off (they trust 127.0.0.1 by default): which proxies name the
    # client is LEDGER_TRUSTED_PROXIES's to say (api/auth.py).
    uvicorn.run("thidua_ledger.api.app:create_app", factory=True, host=host, port=port, access_log=access_log,
                proxy_headers=False, **SERVER_OPTIONS)


app.command()(token)
app.add_typer(keys_app, name="keys")
app.add_typer(account_app, name="account")


@app.command("demo-documents")
def demo_documents(
    documents_url: str = typer.Option("http://127.0.0.1:8001", help="The documents service."),
    ledger_url: str = typer.Option("http://127.0.0.1:8000", help="The ledger, to read its head."),
    token: str = typer.Option(..., envvar="THIDUA_DEMO_TOKEN", show_default=False,
                              help="A clerk's bearer token (from the environment: not on the command line)."),
) -> None:
    """Register the demo's issuing bodies and legal instruments in the documents service, issue
    what the scenario allows, and list what each other document still needs."""
    import httpx

    from thidua_ledger.demo_documents import issue_demo, wait_for_projection

    headers = {"Authorization": f"Bearer {token}"}
    head = httpx.get(f"{ledger_url}/log", params={"limit": 1}, headers=headers, timeout=30).json()["head"]
    with httpx.Client(base_url=documents_url, headers=headers, timeout=60) as docs:
        wait_for_projection(docs, head)
        for outcome in issue_demo(docs):
            if outcome.issued:
                typer.echo(f"  issued   {outcome.number or '(no number)'}  {outcome.path}")
            else:
                typer.echo(f"  draft    {outcome.path}/draft\n           to issue, give: "
                           + "; ".join(outcome.missing))


@app.command("load-demo")
def load_demo(
    clerk: str | None = typer.Option(None, help="A demo clerk's account to grant the scenario's authorities."),
    accounts: Path | None = typer.Option(None, help="With --clerk: make accounts for the clerk, an auditor and an "
                                                    "admin, their generated passwords written in this folder."),
) -> None:
    """Record the scenario of the articles in shared/seeds (once; a second run records nothing)."""
    from thidua_ledger.application import open_ledger
    from thidua_ledger.scenario import load

    ledger = open_ledger(get_settings())
    try:
        recorded = load(ledger)
        granted = grant_demo_clerk(ledger, clerk) if clerk else 0
        people = demo_accounts(ledger, accounts, clerk) if clerk and accounts else []
    finally:
        ledger.close()
    typer.echo(f"demo scenario: {recorded} facts recorded" if recorded else "demo scenario: already loaded")
    if granted:
        typer.echo(f"demo clerk '{clerk}': granted {granted} authorities")
    for role, name, password in people:  # the demo's own generated passwords, for the person running it
        typer.echo(f"demo account  {role:<8} {name}  password: {password}")


app.registered_commands += audit_app.registered_commands


@app.command()
def relay(
    batch_size: int = typer.Option(500, min=1, help="Log positions published per acknowledged batch."),
    events_topic: str = typer.Option(EVENTS_TOPIC, help="Topic of every event."),
    awards_topic: str = typer.Option(AWARDS_TOPIC, help="Topic of award decisions."),
    max_rate: float = typer.Option(0, min=0, help="Events per second at most (0: no limit)."),
    once: bool = typer.Option(False, "--once", help="Publish what is recorded now, then exit."),
    status: bool = typer.Option(False, "--status", help="Print position, head and lag as JSON, and exit."),
) -> None:
    """Publish the ledger's log to Kafka (KAFKA_BOOTSTRAP_SERVERS) in order, from where it stopped."""
    import json
    import logging
    import signal
    from dataclasses import asdict

    from thidua_ledger.relay import Relay, RelayConfig, relay_status

    settings = get_settings()
    ledger = existing_ledger()  # the relay publishes a log; it never starts an empty one
    try:
        if status:
            typer.echo(json.dumps(asdict(relay_status(ledger))))
            return
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("kafka").setLevel(logging.WARNING)
        publisher = Relay(ledger, RelayConfig(
            bootstrap_servers=settings.kafka_bootstrap_servers, events_topic=events_topic,
            awards_topic=awards_topic, batch_size=batch_size, max_rate=max_rate or None))
        if once:
            typer.echo(f"published up to position {publisher.catch_up()}")
            publisher.close()
            return
        for sig in (signal.SIGINT, signal.SIGTERM):  # finish the batch in hand, then stop
            signal.signal(sig, lambda *_: publisher.stop())
        publisher.run()
    finally:
        ledger.close()


@app.callback()
def _root() -> None:
    """thidua ledger: the event log of emulation years."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
