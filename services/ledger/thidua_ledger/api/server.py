"""How the ledger's API is served: uvicorn, with httptools parsing HTTP and uvloop running the loop.

Named here, not left to uvicorn's "auto" (which takes whatever happens to be installed), so
that `ledger serve`, the tests that start a real server and the benchmarks serve alike.
With h11, pure Python, and asyncio's own loop, uvicorn cost a plain command about 0.15 ms
of CPU more (bench/README.md, "Where the API's time goes", issue 17). granian, a server in
Rust, was measured too and cost more than this pair.
"""

from typing import Literal, TypedDict


class ServerOptions(TypedDict):
    """uvicorn.run's and uvicorn.Config's keywords."""

    http: Literal["httptools"]
    loop: Literal["uvloop"]


SERVER_OPTIONS: ServerOptions = {"http": "httptools", "loop": "uvloop"}
SERVER_FLAGS = [flag for name, value in SERVER_OPTIONS.items() for flag in (f"--{name}", value)]  # uvicorn's CLI
