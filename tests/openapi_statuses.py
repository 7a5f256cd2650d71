"""OpenAPI that tells the truth (issue 14, §5): every status the ledger or the documents
service answers in any test must be documented for its route, or the session fails.

A pytest plugin (wired in tests/conftest.py): it wraps FastAPI's ASGI entry, notes each
response's status under the route that answered it (a request that matches no route is
not a route's answer), and at the end of the session compares what was seen with what
each app's OpenAPI documents for that path and method. Apps run in other processes (the
web tests' live services) are not seen; their routes are the same code the API tests call.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI

PACKAGES = ("thidua_ledger", "thidua_documents")

Route = tuple[str, str, str]  # package, path template, method
SEEN: dict[Route, set[int]] = {}
DOCUMENTED: dict[Route, set[str]] = {}
_original = FastAPI.__call__


def _package(route: Any) -> str | None:
    module = getattr(getattr(route, "endpoint", None), "__module__", "") or ""
    return next((p for p in PACKAGES if module.startswith(p)), None)


def documented(app: FastAPI, path: str, method: str) -> set[str]:
    """The statuses an app's OpenAPI documents for one operation."""
    operation = app.openapi().get("paths", {}).get(path, {}).get(method.lower(), {})
    return set(operation.get("responses", {}))


async def _recording(self: FastAPI, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                     send: Callable[[MutableMapping[str, Any]], Awaitable[None]]) -> None:
    if scope.get("type") != "http":
        await _original(self, scope, receive, send)
        return

    async def sending(message: MutableMapping[str, Any]) -> None:
        if message.get("type") == "http.response.start":
            route = scope.get("route")
            package = _package(route)
            path = getattr(route, "path_format", None)
            if package is not None and path is not None:
                key = (package, path, scope["method"])
                SEEN.setdefault(key, set()).add(int(message["status"]))
                if key not in DOCUMENTED:  # one app of each package documents it for all
                    DOCUMENTED[key] = documented(self, path, scope["method"])
        await send(message)

    await _original(self, scope, receive, sending)


def undocumented() -> list[str]:
    return sorted(f"{package} {method} {path}: {status}"
                  for (package, path, method), statuses in SEEN.items()
                  for status in statuses
                  if str(status) not in DOCUMENTED.get((package, path, method), set())
                  and "default" not in DOCUMENTED.get((package, path, method), set()))


def pytest_configure(config: pytest.Config) -> None:
    FastAPI.__call__ = _recording  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    FastAPI.__call__ = _original  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    missing = undocumented()
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["statuses answered in tests but not in the OpenAPI of their route (document them):", *missing]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
