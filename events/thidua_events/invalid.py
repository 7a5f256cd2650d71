"""A check that looks at several fields still names the one it refuses.

Pydantic puts a model validator's error at the model's own location (`["body"]` in a
request), which tells the client nothing. A validator raises `FieldInvalid(field, …)`
instead, and `name_fields` moves each such error to that field, so every 422 names one.
"""

from collections.abc import Iterable
from typing import Any


class FieldInvalid(ValueError):
    """A model-level check's refusal, with the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def name_fields(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's error list (with context) as a 422 body's `detail`: an error a `FieldInvalid`
    raised ends its `loc` with the field."""
    named = []
    for error in errors:
        error = dict(error)
        context = error.get("ctx") or {}
        raised = context.get("error")
        if isinstance(raised, FieldInvalid):
            error["loc"] = (*error["loc"], raised.field)
        if isinstance(raised, Exception):  # as FastAPI's own 422s show it: the message
            error["ctx"] = {**context, "error": str(raised)}
        error.pop("url", None)
        named.append(error)
    return named
