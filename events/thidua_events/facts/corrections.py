"""Corrections (đính chính) and retractions (hủy bỏ ghi nhận sai) of any recorded fact.

A clerk names the original by its event id, `<entity_id>:<entity_version>`, as the
feed, `/entities/{id}/events` and the write receipt show it. The original stays in the
log; the correction is a new event on the same entity, with its reason in the provenance.
Reads fold the entity's facts in force: each corrected fact replaced, at its own place
in the history, by its latest replacement, and each retracted one left out.
"""

from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field, JsonValue, ValidationInfo, field_validator

from thidua_events.facts.base import FACTS, Fact
from thidua_events.invalid import FieldInvalid

EventRef = Annotated[str, Field(
    pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[1-9][0-9]{0,8}$",
    title="Mã sự kiện gốc",
    description="The event id of the original, '<entity_id>:<entity_version>' (as in the feed and "
                "an entity's history)",
)]


class Correction(Fact, abstract=True):
    """What corrections and retractions share: the original they name. The entity they
    belong to is the original's, whatever its kind."""

    aggregate: ClassVar[str] = ""
    original: EventRef

    @property
    def entity_id(self) -> UUID:
        return UUID(self.original.split(":")[0])

    @property
    def original_version(self) -> int:
        return int(self.original.split(":")[1])


def _correctable() -> list[str]:
    """The fact types a correction may replace, for the published schema (read when the schema
    is made: every fact module has registered its types by then)."""
    return sorted(name for name, kind in FACTS.items() if not issubclass(kind, Correction))


class FactCorrected(Correction):
    """A recorded fact replaced by what really happened (đính chính). The replacement is a
    fact of the same type on the same entity; every rule is checked again on the history
    that results, and a fact that would then break one refuses the correction: 409 with the
    rule and, in `dependent`, that fact's event id (correct it first). A reason is required;
    a closed year accepts corrections. Decrees are revoked by decree instead. The correction's
    own effective_date is the day it is decided; the replacement carries the fact's date."""

    title_vi: ClassVar[str] = "Đính chính"

    replacement_type: str = Field(title="Loại sự kiện thay thế",
                                  description="The fact type of the original, e.g. LeadershipElected",
                                  json_schema_extra=lambda schema: schema.update(enum=list[JsonValue](_correctable())))
    replacement_version: int = Field(0, ge=0, title="Phiên bản sự kiện thay thế",
                                     description="The contract version of the replacement (0: current)")
    replacement: dict[str, Any] = Field(title="Nội dung thay thế",
                                        description="The whole replacement fact, as it would be recorded")

    @field_validator("replacement_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in FACTS or issubclass(FACTS[value], Correction):
            raise ValueError(f"{value!r} is not a fact type that can be corrected")
        return value

    @field_validator("replacement")
    @classmethod
    def _valid_replacement(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        from thidua_events.versions import decode_fact  # the registry module imports this one

        type_name = info.data.get("replacement_type")
        if type_name is None:
            return value  # the type is refused already
        version = info.data.get("replacement_version") or FACTS[type_name].version
        try:
            decode_fact(type_name, version, value)
        except ValueError as invalid:
            # A rule between fields: what the replacement must hold depends on replacement_type.
            raise FieldInvalid("replacement", f"not a valid {type_name}: {invalid}",
                               code="replacement-valid", params={"type": type_name}) from None
        return value

    def fact_in_force(self) -> Fact:
        """The replacement, as the current model of its type."""
        from thidua_events.versions import decode_fact

        version = self.replacement_version or FACTS[self.replacement_type].version
        return decode_fact(self.replacement_type, version, self.replacement)

    @classmethod
    def of(cls, original: str, replacement: Fact, **fields: Any) -> "FactCorrected":
        """A correction of `original` by `replacement` (its date defaults to the replacement's)."""
        fields.setdefault("effective_date", replacement.effective_date)
        return cls(original=original, replacement_type=replacement.type_name(),
                   replacement_version=replacement.version,
                   replacement=replacement.model_dump(mode="json"), **fields)


class FactRetracted(Correction):
    """A fact recorded in error, withdrawn (hủy bỏ): reads leave it out from now on, reads known
    before it still show it. An entity's first fact cannot be retracted, only corrected; a
    retraction that would leave a later fact without its cause is refused like a correction."""

    title_vi: ClassVar[str] = "Hủy bỏ ghi nhận sai"
