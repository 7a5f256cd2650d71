"""The body limit as plain ASGI (thidua_events.body_limit): what it reads, and when it answers."""

import asyncio
from typing import Any

import pytest
from thidua_events.body_limit import BodyLimit, BodyTooLarge, Message, Receive, Scope, Send

LIMIT = 10


def refusal(limit: int) -> Any:
    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 413, "headers": []})
        await send({"type": "http.response.body", "body": str(limit).encode()})
    return answer


def run(app: Any, headers: list[tuple[bytes, bytes]], parts: list[bytes]) -> tuple[list[Message], int]:
    """The messages sent, and how many times the server's receive was called."""
    sent: list[Message] = []
    calls = 0

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        body = parts[calls - 1] if calls <= len(parts) else b""
        return {"type": "http.request", "body": body, "more_body": calls < len(parts)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/facts/X", "headers": headers}
    asyncio.run(BodyLimit(app, LIMIT, refusal)(scope, receive, send))
    return sent, calls


async def reading_app(scope: Scope, receive: Receive, send: Send) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_a_declared_length_over_the_limit_is_answered_without_reading_or_calling_the_app() -> None:
    called = False

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal called
        called = True

    sent, calls = run(app, [(b"content-length", b"11")], [b"x" * 11])
    assert (sent[0]["status"], calls, called) == (413, 0, False)


def test_a_chunked_body_is_read_no_further_than_the_chunk_that_passes_the_limit() -> None:
    sent, calls = run(reading_app, [], [b"x" * 6, b"x" * 6, b"x" * 6, b"x" * 6])
    assert (sent[0]["status"], calls) == (413, 2)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]  # one answer only


def test_a_body_of_exactly_the_limit_reaches_the_app() -> None:
    sent, _ = run(reading_app, [(b"content-length", b"10")], [b"x" * 4, b"x" * 6])
    assert sent[0]["status"] == 201


def test_an_app_that_answers_its_failed_read_itself_is_answered_by_the_refusal() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            while (await receive()).get("more_body"):
                pass
        except BodyTooLarge:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"There was an error parsing the body"})
            return

    sent, _ = run(app, [], [b"x" * 6, b"x" * 6])
    assert [m.get("status") for m in sent] == [413, None]


def test_a_body_passing_the_limit_after_the_answer_began_is_not_answered_twice() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while (await receive()).get("more_body"):
            pass

    with pytest.raises(BodyTooLarge):
        run(app, [], [b"x" * 6, b"x" * 6])
