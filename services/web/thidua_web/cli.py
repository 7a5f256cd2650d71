"""`web serve`: the web workplace (calls the ledger and the documents service; see settings.py)."""

import typer
import uvicorn

app = typer.Typer(help="The thidua web workplace.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8002, help="Port to listen on."),
) -> None:
    """Serve the pages."""
    # No proxy headers: the browser's address is the peer's, as the ledger's rate limit needs it.
    # h11 and asyncio, as before the ledger moved to httptools and uvloop (which uvicorn's "auto"
    # would now take here too): this service was not measured on them.
    uvicorn.run("thidua_web.app:create_app", factory=True, host=host, port=port, proxy_headers=False,
                http="h11", loop="asyncio")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo("thidua-web 0.1.0")


def main() -> None:
    app()
