"""The `ledger` command: serve the API, and the operator and auditor tools."""

import typer
import uvicorn

app = typer.Typer(help="thidua ledger: the event log of emulation years.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the ledger API (OpenAPI at /docs)."""
    uvicorn.run("thidua_ledger.api.app:create_app", factory=True, host=host, port=port)


@app.callback()
def _root() -> None:
    """thidua ledger: the event log of emulation years."""


def main() -> None:
    app()
