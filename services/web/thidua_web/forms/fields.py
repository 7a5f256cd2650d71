"""What a form asks for, read from the contract's model of a fact: one `FieldSpec` per field,
labelled with the field's Vietnamese title, with the widget its type calls for.

Nothing here is written per fact type: a new fact kind gets its form from its model. Ids of
existing things are picked from lists (`source` names the list, see options.py), never typed;
the id of what a fact creates is left out (the ledger makes it, NEW_ID_FIELDS)."""

import types
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from thidua_events.choices_vi import choices
from thidua_events.facts import Fact, Provenance

# The field naming the entity a fact creates: the ledger makes its id (its receipt's `ids`).
# Kept equal to the ledger's own table by tests/unit/test_web_forms.py.
NEW_ID_FIELDS: dict[str, str] = {
    "AuthorityRegistered": "authority_id", "UnitRegistered": "unit_id", "PersonRegistered": "person_id",
    "ClusterFormed": "cluster_id", "AwardProposed": "proposal_id", "AwardConferred": "decree_id",
    "AwardRevoked": "decree_id", "ScoreRecorded": "score_id", "ScoreCorrected": "score_id",
    "BallotHeld": "ballot_id",
}

# Which list an id (or a name) is picked from, by the field's name.
SOURCES: dict[str, str] = {
    "unit_id": "units", "unit_ids": "units", "person_id": "people", "cluster_id": "clusters",
    "authority_id": "authorities", "parent_id": "authorities", "award_kind": "award-kinds",
    "revokes_decree_id": "decrees", "criterion_code": "criteria", "ballot_id": "ballots",
    "corrects_score_id": "scores",
}
# Asked first: when it happened, then what it is about (a conference's fields come after).
FIRST = ("effective_date", "date_precision", "cluster_id", "year")
LONG_TEXT = 1000  # a text field allowing more than this is written in a text area
ROW_DEPTH = 3  # criteria nest: a tree deeper than this is recorded through the API


def source_of(name: str) -> str | None:
    if name in SOURCES:
        return SOURCES[name]
    return "units" if name.endswith("_unit_id") else None


@dataclass
class FieldSpec:
    """One field of a form. `widget` is one of: text, textarea, date, integer, decimal, checkbox,
    choice, pick, picks (several from a list), lines (several texts), group (a nested model),
    rows (a list of nested models)."""

    key: str
    title: str
    widget: str
    required: bool
    default: Any = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    source: str | None = None
    model: type[BaseModel] | None = None  # of a group or of each row
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    max_length: int | None = None
    depth: int = 0

    def children(self) -> list["FieldSpec"]:
        return specs_of(self.model, depth=self.depth + 1) if self.model else []


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """The type without Optional and Annotated, whether None is allowed, and the constraints."""
    optional, metadata = False, []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation, optional, metadata
        else:
            return annotation, optional, metadata


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found |= _bounds(list(item.metadata))
        for attribute, key in (("ge", "minimum"), ("le", "maximum"), ("max_length", "max_length")):
            if getattr(item, attribute, None) is not None:
                found[key] = getattr(item, attribute)
    return found


def spec_of(key: str, info: FieldInfo, depth: int = 0) -> FieldSpec | None:
    kind, optional, metadata = _unwrap(info.annotation)
    bounds = _bounds([*info.metadata, *metadata])
    required = info.is_required()
    default = None if required or info.default in (None, ()) else info.default
    spec = FieldSpec(key=key, title=info.title or key, widget="text", required=required and not optional,
                     default=default.value if isinstance(default, Enum) else default, depth=depth, **bounds)
    source = source_of(key)
    if get_origin(kind) is tuple:
        item = _unwrap(get_args(kind)[0])[0]
        spec.required = bool(bounds.get("minimum")) or _min_length(info)
        if isinstance(item, type) and issubclass(item, BaseModel):
            if depth >= ROW_DEPTH:
                return None
            spec.widget, spec.model = "rows", item
        elif item is UUID:
            spec.widget, spec.source = "picks", source or "units"
        else:
            spec.widget = "lines"
        return spec
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        spec.widget, spec.model = "group", kind
    elif kind is date:
        spec.widget = "date"
    elif kind is bool:
        spec.widget = "checkbox"
    elif kind is int:
        spec.widget = "integer"
    elif kind is Decimal:
        spec.widget = "decimal"
    elif isinstance(kind, type) and issubclass(kind, Enum):
        spec.widget, spec.choices = "choice", choices(kind)
    elif kind is UUID or source is not None:
        spec.widget, spec.source = ("pick", source) if source else ("text", None)
    elif kind is dict or get_origin(kind) is dict:
        return None  # a whole fact as data (a correction's replacement): its own page builds it
    elif (spec.max_length or 0) > LONG_TEXT:
        spec.widget = "textarea"
    return spec


def _min_length(info: FieldInfo) -> bool:
    return any(getattr(item, "min_length", 0) for item in info.metadata)


def specs_of(model: type[BaseModel], *, depth: int = 0, leave_out: frozenset[str] = frozenset()) -> list[FieldSpec]:
    """The fields of a model as a form asks for them: FIRST, then in the model's order."""
    found = [spec for key, info in model.model_fields.items()
             if key not in leave_out and (spec := spec_of(key, info, depth)) is not None]
    first = sorted((s for s in found if s.key in FIRST), key=lambda s: FIRST.index(s.key))
    return first + [s for s in found if s not in first]


def fact_specs(fact_type: type[Fact]) -> list[FieldSpec]:
    """A fact's form: its fields but the id the ledger makes, then why and from which source."""
    leave_out = frozenset({NEW_ID_FIELDS[fact_type.type_name()]} if fact_type.type_name() in NEW_ID_FIELDS else ())
    return specs_of(fact_type, leave_out=leave_out) + note_specs()


def note_specs() -> list[FieldSpec]:
    """The clerk's note that goes with every fact (the provenance's reason and source document)."""
    return [spec for key in ("reason", "source_ref")
            if (spec := spec_of(key, Provenance.model_fields[key])) is not None]
