"""The `documents` command."""

import typer
import uvicorn

app = typer.Typer(help="thidua documents: official decrees and minutes.", no_args_is_help=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8001, help="Port to listen on."),
) -> None:
    """Serve the documents API (OpenAPI at /docs)."""
    # h11 and asyncio, as before the ledger moved to httptools and uvloop (which uvicorn's "auto"
    # would now take here too): this service was not measured on them.
    uvicorn.run("thidua_documents.api.app:create_app", factory=True, host=host, port=port, http="h11", loop="asyncio")


@app.command("build-templates")
def build_templates() -> None:
    """Rebuild the Word templates from templates/build.py (commit the .docx it writes)."""
    from thidua_documents.templates.build import build

    for path in build():
        typer.echo(path)


@app.callback()
def _root() -> None:
    """thidua documents service."""


def main() -> None:
    app()
