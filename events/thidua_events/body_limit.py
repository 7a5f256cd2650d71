"""A ceiling on the size of a request body, enforced as the body streams in (pure ASGI).

Every service reads a body whole before any check (FastAPI, the ledger's fact lane), so a
body of hundreds of MB would sit in memory first. This middleware refuses it at the door:
a Content-Length above the limit is answered before a byte is read; a body without one
(chunked) is counted while the app reads it, and the read fails once it passes the limit.
The app's own handling of that failure (FastAPI's 400, a lane's fallback) is replaced by
the refusal, so the answer is the same whatever route read the body. Not
BaseHTTPMiddleware: that one buffers. No web framework is imported: each service passes
its refusal as an ASGI app (a JSON rule for the APIs, a Vietnamese page for clerks)."""

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

RULE = "body-within-size-limit"
MIB = 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    """Raised into the app by `receive` once the body passes its limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


def refusal(limit: int, nothing: str) -> bytes:
    """The APIs' 413 body, in the shape of every refusal; `nothing` says what was not done
    ("stored", "registered")."""
    return json.dumps({"rule": RULE, "detail": f"the request body is larger than {limit} bytes, this service's "
                       f"limit: nothing was read or {nothing}; send a smaller body"}).encode()


def json_refusal(nothing: str) -> Callable[[int], ASGIApp]:
    """`BodyLimit`'s `refuse` for a JSON API: 413 with `refusal`."""
    def refuse(limit: int) -> ASGIApp:
        body = refusal(limit, nothing)

        async def answer(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        return answer
    return refuse


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """`limit` bytes for every route; `larger` maps the exact paths that genuinely take more
    (a file upload, a fact listing thousands of recipients) to their own limit.
    `refuse(limit)` gives the ASGI app that answers 413."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[int], ASGIApp],
                 larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.limit)
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            scope["thidua.body_limit"] = limit
            await self.refuse(limit)(scope, receive, send)
            return
        received = 0
        passed = False
        started = False  # a response began (the app's or ours)
        ours = False  # the refusal was sent in place of the app's answer

        async def counting() -> Message:
            nonlocal received, passed
            if passed:  # a second reader (a fallback route) is refused as the first was
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    passed = True
                    raise BodyTooLarge(limit)
            return message

        async def sending(message: Message) -> None:
            nonlocal started, ours
            if passed and not started:
                # The app answered a body it could not read (FastAPI's 400, say): the answer is ours.
                started = ours = True
                await self.refuse(limit)(scope, receive, send)
            elif not ours:
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, counting, sending)
        except BodyTooLarge:
            if ours:
                return
            if started:
                raise
            await self.refuse(limit)(scope, receive, send)
