"""The `ledger` command: serve the API, issue tokens, and the operator and auditor tools."""

from datetime import timedelta

import typer
import uvicorn
from thidua_events.facts import Role

from thidua_ledger.auth import issue_token
from thidua_ledger.cli_audit import app as audit_app
from thidua_ledger.settings import get_settings

app = typer.Typer(help="thidua ledger: the event log of emulation years.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the ledger API (OpenAPI at /docs)."""
    uvicorn.run("thidua_ledger.api.app:create_app", factory=True, host=host, port=port)


@app.command()
def token(
    actor: str = typer.Option(..., help="Who will act with the token, as recorded in provenance."),
    role: Role = typer.Option(..., help="clerk and admin write; auditor and subscriber read."),
    days: int = typer.Option(30, min=1, max=366, help="Days until the token expires."),
) -> None:
    """Issue a bearer token signed with THIDUA_TOKEN_KEY (from the environment)."""
    key = get_settings().token_key.get_secret_value()
    typer.echo(issue_token(key, actor, role, timedelta(days=days)))


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


@app.callback()
def _root() -> None:
    """thidua ledger: the event log of emulation years."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
