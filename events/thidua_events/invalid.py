"""A check that looks at several fields still names the one it refuses.

Pydantic puts a model validator's error at the model's own location (`["body"]` in a
request), which tells the client nothing. A validator raises `FieldInvalid(field, …)`
instead, and `name_fields` moves each such error to that field, so every 422 names one.

The message stays English for the API; `code` (and `params`, the values the message
quotes) go in the error's `ctx`, so a client such as the web app can say it in its own
language without parsing the English.
"""

import math
from collections.abc import Iterable
from typing import Any


class FieldInvalid(ValueError):
    """A model-level check's refusal, with the field it concerns."""

    def __init__(self, field: str, message: str, *, code: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = {name: str(value) for name, value in (params or {}).items()}


def name_fields(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's error list (with context) as a 422 body's `detail`: an error a `FieldInvalid`
    raised ends its `loc` with the field."""
    named = []
    for error in errors:
        error = dict(error)
        context = error.get("ctx") or {}
        raised = context.get("error")
        if isinstance(raised, FieldInvalid):
            if tuple(error["loc"])[-1:] != (raised.field,):  # a field's own validator is there already
                error["loc"] = (*error["loc"], raised.field)
            # Said so: a rule between fields, which a schema cannot state (clients and the
            # fuzz test tell it from a field's own form).
            context = {**context, "between_fields": True}
            if raised.code:
                context = {**context, "code": raised.code, "params": raised.params}
        if isinstance(raised, Exception):  # as FastAPI's own 422s show it: the message
            error["ctx"] = {**context, "error": str(raised)}
        error.pop("url", None)
        named.append(_json_safe(error))
    return named


def _json_safe(value: Any) -> Any:
    """An error as a 422 may write it, echoing the refused input and naming where it was: JSON
    has no infinity or NaN, which Python's parser reads from `1e999` or `NaN`; and UTF-8 has no
    lone surrogate, which it reads from an escape such as `"\\ud800"`, in a value or a key (so in
    `loc` too). Nor are a body's bytes always UTF-8, when it is not sent as JSON and is refused
    whole. A body holding any of these could not be written (a 500): they are echoed as text."""
    if isinstance(value, str):
        return _utf8_safe(value)
    if isinstance(value, bytes):  # a body sent as anything but JSON, refused whole: not always UTF-8
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {_json_safe(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _utf8_safe(text: str) -> str:
    """The text itself, or with each lone surrogate written as its escape (`\\ud800`)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode()
    return text
