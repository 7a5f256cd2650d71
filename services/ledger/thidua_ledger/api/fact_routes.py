"""How `POST /facts/{FactType}` reaches its route: a dict lookup, then a short lane.

The fact routes stay ordinary FastAPI routes: they make the OpenAPI document, and they
answer every request this lane does not take. The lane takes only a request FastAPI
would pass without a word: JSON body valid for its model, a writer's valid bearer token,
at most one well-formed Idempotency-Key. For that request it does what FastAPI would
(the same checks, then the same endpoint off the event loop, in threads of the lane's
own), without the machinery around it: matching ~80 route patterns (twice into the router
that holds the match) and resolving dependencies cost about 0.2 ms each, as much as the
rest of the API together (issue 17). Anything it doubts goes to the route (with the body
replayed if it was read), so every refusal (401, 403, 422, and their order) is FastAPI's own.
"""

import asyncio
import contextvars
import functools
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match
from starlette.types import Message, Receive, Scope, Send
from thidua_events.tokens import Verifier

from thidua_ledger.idempotency import KEY_PATTERN

IDEMPOTENCY_KEY = b"idempotency-key"
CONTENT_TYPE = b"content-type"
AUTHORIZATION = b"authorization"
JSON = "application/json"
WELL_FORMED_KEY = re.compile(KEY_PATTERN)  # as the route's Idempotency-Key header declares
THREADS = 40  # as many commands at once as Starlette's own thread pool runs (anyio's default limiter)


class FactRoutes(BaseRoute):
    def __init__(self, routes: list[BaseRoute], bodies: dict[str, type[BaseModel]]) -> None:
        self.routes = {route.path: (route, bodies[route.path]) for route in routes
                       if isinstance(route, APIRoute) and route.path in bodies}
        self.threads: ThreadPoolExecutor | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        """The lane's own threads, for as long as the app serves (its lifespan)."""
        self.threads = ThreadPoolExecutor(THREADS, thread_name_prefix="fact-lane")
        try:
            yield
        finally:
            threads, self.threads = self.threads, None
            threads.shutdown(wait=True)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["method"] == "POST":
            path, root = scope["path"], scope.get("root_path", "")
            found = self.routes.get(path[len(root):] if root and path.startswith(root) else path)
            if found is not None:
                route = found[0]
                return Match.FULL, {"endpoint": route.endpoint, "path_params": {}, "route": route}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route, body_model = self.routes[scope["route"].path]
        request = Request(scope, receive)
        arguments, body = await _plain(request, body_model)
        if arguments is None:
            await route.handle(scope, receive if body is None else _replaying(body, receive), send)
            return
        endpoint: Callable[..., Any] = route.endpoint
        threads = self.threads
        if threads is None:  # served without its lifespan
            response = await run_in_threadpool(endpoint, request=request, **arguments)
        else:
            # Off the event loop, as Starlette would run it (the ledger blocks: PostgreSQL writers
            # must not wait for each other), in the request's context as anyio copies it; but
            # through the loop's executor, without anyio's limiter and cancel scopes around the
            # hop: they cost a command a third of the hop.
            call = functools.partial(contextvars.copy_context().run, endpoint, request=request, **arguments)
            response = await asyncio.get_running_loop().run_in_executor(threads, call)
        await response(scope, receive, send)


async def _plain(request: Request, body_model: type[BaseModel]) -> tuple[dict[str, Any] | None, bytes | None]:
    """The endpoint's arguments, if FastAPI would call it with exactly these (else None), and
    the body if it was read."""
    # One pass over the raw headers, the first of each as Starlette's Headers.get reads it: a
    # Headers object, HTTPBearer and its credentials model cost a command more than its checks.
    content_type = authorization = None
    keys = []
    for name, value in request.scope["headers"]:
        if name == CONTENT_TYPE:
            content_type = value if content_type is None else content_type
        elif name == AUTHORIZATION:
            authorization = value if authorization is None else authorization
        elif name == IDEMPOTENCY_KEY:
            keys.append(value)
    if content_type is None or content_type.decode("latin-1").partition(";")[0].strip().lower() != JSON:
        return None, None
    key = keys[0].decode("latin-1") if len(keys) == 1 else None
    if len(keys) > 1 or (key is not None and not WELL_FORMED_KEY.fullmatch(key)):
        return None, None
    token = _bearer_token(authorization)
    if token is None:
        return None, None
    try:
        verifier: Verifier = request.app.state.verifier
        user = verifier.read(token)
    except Exception:  # a refusal (401, 503): the route gives it
        return None, None
    if not user.can_write:
        return None, None
    body: bytes | None = None
    try:
        body = await _body(request.receive)
        note = body_model.model_validate(json.loads(body)) if body else None
    except Exception:  # not JSON, not valid, or the client went away: the route answers as it would
        return None, body
    if note is None:
        return None, body
    return {"body": note, "user": user, "idempotency_key": key}, body


def _bearer_token(authorization: bytes | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, read as fastapi.security.HTTPBearer reads it
    (scheme up to the first space, any case; the rest stripped); None where it would give None."""
    if not authorization:
        return None
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    token = token.strip()
    return token if scheme and token and scheme.lower() == "bearer" else None


async def _body(receive: Receive) -> bytes:
    """The whole body, as Request.body() reads it (a disconnect raises; the caller hands over)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ConnectionError("the client went away before its body was read")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The request's receive, giving back first the body this lane already read."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
