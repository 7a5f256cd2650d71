"""The `ledger` command: serve the API, issue tokens, and the operator and auditor tools."""

from datetime import timedelta

import typer
import uvicorn
from thidua_events.facts import Role
from thidua_events.tokens import issue_token
from thidua_events.topics import AWARDS_TOPIC, EVENTS_TOPIC

from thidua_ledger.cli_audit import app as audit_app
from thidua_ledger.settings import get_settings

app = typer.Typer(help="thidua ledger: the event log of emulation years.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    access_log: bool = typer.Option(False, help="Log every request (the documents service polls /log)."),
) -> None:
    """Serve the ledger API (OpenAPI at /docs)."""
    uvicorn.run("thidua_ledger.api.app:create_app", factory=True, host=host, port=port, access_log=access_log)


@app.command()
def token(
    actor: str = typer.Option(..., help="Who will act with the token, as recorded in provenance."),
    role: Role = typer.Option(..., help="clerk and admin write; auditor and subscriber read."),
    days: int = typer.Option(30, min=1, max=366, help="Days until the token expires."),
) -> None:
    """Issue a bearer token signed with THIDUA_TOKEN_KEY (from the environment)."""
    key = get_settings().require_token_key()
    typer.echo(issue_token(key, actor, role, timedelta(days=days)))


@app.command("demo-documents")
def demo_documents(
    documents_url: str = typer.Option("http://127.0.0.1:8001", help="The documents service."),
    ledger_url: str = typer.Option("http://127.0.0.1:8000", help="The ledger, to read its head."),
) -> None:
    """Register the demo's issuing bodies and legal instruments in the documents service, issue
    what the scenario allows, and list what each other document still needs."""
    import httpx

    from thidua_ledger.demo_documents import issue_demo, wait_for_projection

    settings = get_settings()
    token = issue_token(settings.require_token_key(), "Thư ký Cụm thi đua", Role.CLERK, timedelta(hours=1))
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
def load_demo() -> None:
    """Record the scenario of the articles in shared/seeds (once; a second run records nothing)."""
    from thidua_ledger.application import open_ledger
    from thidua_ledger.scenario import load

    ledger = open_ledger(get_settings())
    try:
        recorded = load(ledger)
    finally:
        ledger.close()
    typer.echo(f"demo scenario: {recorded} facts recorded" if recorded else "demo scenario: already loaded")


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

    from thidua_ledger.application import open_ledger
    from thidua_ledger.relay import Relay, RelayConfig, relay_status

    settings = get_settings()
    ledger = open_ledger(settings)
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
