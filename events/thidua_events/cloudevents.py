"""The ledger's events on Kafka: CloudEvents 1.0, Kafka protocol binding, binary content mode.

Context attributes travel as `ce_` headers, the fact as JSON in the value, so a
subscriber can route and drop duplicates without parsing the payload, and the
payload is exactly what the fact's JSON Schema (`schemas/<Type>.v<N>.json`) describes.

Besides the required attributes (specversion, id, source, type) and the optional
time, subject and dataschema (the `$id` of the payload's JSON Schema), the ledger sets
these extension attributes (names: lowercase letters and digits only, as CloudEvents requires):

    position       the event's position in the ledger's log
    effectivedate  the day the fact happened (the first clock; `time` is the second)
    entitykind     the kind of entity whose history the fact belongs to
    entityversion  the entity's version after the fact (also the suffix of `id`)
    actor, actorrole, reason, sourceref   the provenance: who recorded it, why, from what
    partitionkey   the Kafka key (CloudEvents' Partitioning extension)
    previousposition  the position of the event published before this one (0 for the first):
                   the positions between are internal. Partitions split the log; following
                   these links a consumer knows when it holds every event up to a position.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from uuid import UUID

from pydantic import ValidationError
from pydantic_core import from_json, to_json

from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Provenance
from thidua_events.versions import decode_fact

SPECVERSION = "1.0"
SOURCE = "/thidua/ledger"
TYPE_PREFIX = "vn.thidua.ledger."
CONTENT_TYPE = "application/json"
SCHEMA_ID_PREFIX = "urn:thidua:schema:"

Headers = list[tuple[str, bytes]]

_REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject",
             "ce_position", "ce_effectivedate", "ce_actor", "ce_actorrole", "content-type")


class InvalidMessage(ValueError):
    """A Kafka message that does not honour the contract; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ce_type(type_name: str, version: int) -> str:
    """The CloudEvents type: names the fact and the version of its schema."""
    return f"{TYPE_PREFIX}{type_name}.v{version}"


def dataschema(type_name: str, version: int) -> str:
    """The `$id` of a fact's JSON Schema, also its events' `dataschema`: names the checked-in file
    `thidua_events/schemas/<Type>.v<N>.json` (a URN: the schemas are published with the
    package, not at an address)."""
    return f"{SCHEMA_ID_PREFIX}{type_name}.v{version}"


def parse_ce_type(value: str) -> tuple[str, int]:
    name, dot_v, number = value.removeprefix(TYPE_PREFIX).rpartition(".v")
    if not value.startswith(TYPE_PREFIX) or not dot_v or not name or not number.isdigit():
        raise InvalidMessage(f"ce_type {value!r} is not {TYPE_PREFIX}<Type>.v<N>")
    return name, int(number)


def partition_key(event: LedgerEvent) -> str:
    """The cluster when the fact names one (a cluster's events stay in order), else the entity."""
    cluster_id = event.data.get("cluster_id")
    return str(cluster_id) if cluster_id else str(event.entity_id)


def to_kafka(event: LedgerEvent, key: str | None = None, previous: int | None = None
             ) -> tuple[bytes, bytes, Headers]:
    """(key, value, headers) of one event. `key` overrides the default partition key
    (the relay gives a revocation the key of the conferral it revokes); `previous` is the
    position of the event published before it (the relay knows it; see `previous_position`)."""
    key = key or partition_key(event)
    provenance = event.provenance
    attributes = {
        "ce_specversion": SPECVERSION,
        "ce_id": event.id,
        "ce_source": SOURCE,
        "ce_type": ce_type(event.type, event.version),
        "ce_dataschema": dataschema(event.type, event.version),
        "ce_time": event.recorded_at.isoformat(),
        "ce_subject": str(event.entity_id),
        "ce_position": str(event.position),
        "ce_effectivedate": event.effective_date.isoformat(),
        "ce_entitykind": event.entity_kind,
        "ce_entityversion": str(event.entity_version),
        "ce_actor": provenance.actor,
        "ce_actorrole": provenance.role.value,
        "ce_reason": provenance.reason,
        "ce_sourceref": provenance.source_ref,
        "ce_partitionkey": key,
        "ce_previousposition": None if previous is None else str(previous),
        "content-type": CONTENT_TYPE,
    }
    headers = [(name, value.encode()) for name, value in attributes.items() if value is not None]
    return key.encode(), to_json(event.data), headers


def from_kafka(headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes], value: bytes | None) -> LedgerEvent:
    """The event a message carries, its fact lifted to the current version of the contract.

    Raises InvalidMessage when a required attribute is missing or wrong, the type is
    unknown or newer than this contract, or the data does not validate.
    """
    ce = _decode_headers(headers)
    missing = [name for name in _REQUIRED if name not in ce]
    if missing:
        raise InvalidMessage(f"missing headers: {', '.join(missing)}")
    if ce["ce_specversion"] != SPECVERSION:
        raise InvalidMessage(f"ce_specversion {ce['ce_specversion']!r} is not {SPECVERSION}")
    if ce["content-type"].split(";")[0].strip() != CONTENT_TYPE:
        raise InvalidMessage(f"content-type {ce['content-type']!r} is not {CONTENT_TYPE}")
    type_name, version = parse_ce_type(ce["ce_type"])
    entity_id, entity_version = _parse_id(ce["ce_id"], ce["ce_subject"])
    try:
        position = int(ce["ce_position"])
        recorded_at = datetime.fromisoformat(ce["ce_time"])
        effective_date = date.fromisoformat(ce["ce_effectivedate"])
        provenance = Provenance.model_validate({"actor": ce["ce_actor"], "role": ce["ce_actorrole"],
                                                "reason": ce.get("ce_reason"),
                                                "source_ref": ce.get("ce_sourceref")})
    except ValueError as error:  # ValidationError is one
        raise InvalidMessage(f"bad attribute: {_short(error)}") from None
    if value is None:
        raise InvalidMessage("no value (a tombstone is not an event)")
    try:
        data = from_json(value)
    except ValueError as error:
        raise InvalidMessage(f"value is not JSON: {_short(error)}") from None
    if not isinstance(data, dict):
        raise InvalidMessage(f"value is JSON {type(data).__name__}, not an object")
    try:
        fact = decode_fact(type_name, version, data)
    except ValidationError as error:
        raise InvalidMessage(f"data is not a valid {type_name} v{version}: {_short(error)}") from None
    except ValueError as error:  # unknown type, newer version, no upcaster
        raise InvalidMessage(str(error)) from None
    # Optional: messages published before it was set have none.
    if "ce_dataschema" in ce and ce["ce_dataschema"] != dataschema(type_name, version):
        raise InvalidMessage(f"ce_dataschema {ce['ce_dataschema']!r} is not the schema of {ce['ce_type']}")
    if fact.effective_date != effective_date:
        raise InvalidMessage(f"ce_effectivedate {effective_date} differs from the data's {fact.effective_date}")
    return LedgerEvent.of(fact, provenance, position=position, entity_id=entity_id,
                          entity_version=entity_version, recorded_at=recorded_at)


def previous_position(headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes]) -> int:
    """The position of the event published before this message's, from its headers."""
    raw = _decode_headers(headers).get("ce_previousposition")
    if raw is None or not raw.isdigit():
        raise InvalidMessage(f"ce_previousposition {raw!r} is not a position (a relay older than the link "
                             "published it: publish the log again)")
    return int(raw)


def _decode_headers(headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    decoded: dict[str, str] = {}
    for name, raw in pairs:
        try:
            decoded[name] = raw.decode() if isinstance(raw, bytes | bytearray) else str(raw)
        except UnicodeDecodeError:
            raise InvalidMessage(f"header {name} is not UTF-8") from None
    return decoded


def _parse_id(ce_id: str, subject: str) -> tuple[UUID, int]:
    """`id` is '<entity id>:<entity version>', stable when the relay publishes again."""
    entity, _, version = ce_id.rpartition(":")
    if entity != subject or not version.isdigit():
        raise InvalidMessage(f"ce_id {ce_id!r} is not '<ce_subject>:<entity version>'")
    try:
        return UUID(entity), int(version)
    except ValueError:
        raise InvalidMessage(f"ce_subject {subject!r} is not a UUID") from None


def _short(error: Exception, limit: int = 500) -> str:
    """One line, bounded: the reason ends up in a dead-letter header."""
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

