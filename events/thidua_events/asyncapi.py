"""The AsyncAPI 3.0 document of the ledger's topics, built from the fact registry so it
cannot drift from the models; `python -m thidua_events.schemas` writes it to asyncapi.yaml."""

import json
import re
from typing import Any

from thidua_events.cloudevents import CONTENT_TYPE, SOURCE, SPECVERSION, ce_type
from thidua_events.facts import FACTS, Fact
from thidua_events.topics import AWARD_TYPES, AWARDS_TOPIC, DEAD_LETTER_TOPIC, EVENTS_TOPIC

PARTITIONS = 3  # what the relay creates a missing topic with

_KEY = {
    "type": "string", "format": "uuid",
    "description": "The cluster id when the fact names a cluster, else the id of the entity the "
                   "fact belongs to; a revocation carries the key of the conferral it revokes. "
                   "Messages with one key keep the ledger's order.",
}


def _attribute(description: str, **schema: Any) -> dict[str, Any]:
    return {"type": "string", **schema, "description": description}


_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes (Kafka protocol binding, binary mode), UTF-8 strings.",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "ce_position",
                 "ce_effectivedate", "ce_entitykind", "ce_entityversion", "ce_actor", "ce_actorrole",
                 "ce_partitionkey", "content-type"],
    "properties": {
        "ce_specversion": _attribute("CloudEvents version", const=SPECVERSION),
        "ce_id": _attribute("'<entity id>:<entity version>', the same when the relay publishes again: "
                            "drop duplicates by it", pattern="^[0-9a-f-]{36}:[0-9]+$"),
        "ce_source": _attribute("The publisher", const=SOURCE),
        "ce_type": _attribute("'vn.thidua.ledger.<Type>.v<N>': the fact and the version of its schema"),
        "ce_dataschema": _attribute("'urn:thidua:schema:<Type>.v<N>': the `$id` of the value's JSON Schema",
                                    format="uri"),
        "ce_time": _attribute("When the ledger recorded the fact (RFC 3339)", format="date-time"),
        "ce_subject": _attribute("The entity the fact belongs to", format="uuid"),
        "ce_position": _attribute("Position in the ledger's log (decimal)", pattern="^[0-9]+$"),
        "ce_effectivedate": _attribute("The day the fact happened", format="date"),
        "ce_entitykind": _attribute("cluster, emulation_year, unit, decree, ..."),
        "ce_entityversion": _attribute("The entity's version after the fact", pattern="^[0-9]+$"),
        "ce_actor": _attribute("Who recorded the fact"),
        "ce_actorrole": _attribute("The recorder's role", enum=["clerk", "auditor", "subscriber", "admin"]),
        "ce_reason": _attribute("Why it was recorded (corrections), when given"),
        "ce_sourceref": _attribute("Minutes or decree number, when given"),
        "ce_partitionkey": _attribute("The Kafka key (CloudEvents Partitioning extension)"),
        "ce_previousposition": _attribute(
            "Position of the event published before this one (0 for the first); the positions between are "
            "internal. Partitions split the log: following these links a consumer knows it holds every event "
            "up to a position", pattern="^[0-9]+$"),
        "content-type": _attribute("Media type of the value", const=CONTENT_TYPE),
    },
}


def _message(fact_type: type[Fact]) -> dict[str, Any]:
    name, version = fact_type.type_name(), fact_type.version
    docstring = fact_type.__dict__.get("__doc__")
    return {
        "name": name,
        "title": f"{name} v{version}",
        **({"summary": docstring.strip().splitlines()[0]} if docstring else {}),
        "contentType": CONTENT_TYPE,
        "headers": {"allOf": [{"$ref": "#/components/schemas/CloudEventHeaders"},
                              {"type": "object",
                               "properties": {"ce_type": {"const": ce_type(name, version)}}}]},
        "payload": {"$ref": f"./schemas/{name}.v{version}.json"},
        "bindings": {"kafka": {"key": {"$ref": "#/components/schemas/PartitionKey"},
                               "bindingVersion": "0.5.0"}},
    }


def _channel(address: str, description: str, names: list[str]) -> dict[str, Any]:
    return {
        "address": address,
        "description": description,
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
        "bindings": {"kafka": {"topic": address, "partitions": PARTITIONS, "bindingVersion": "0.5.0"}},
    }


def asyncapi_document() -> dict[str, Any]:
    fact_names = list(FACTS)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "thidua ledger events",
            "version": "1.0.0",
            "description": "What the ledger of emulation movements (phong trào thi đua) publishes. "
                           "Delivery is at least once: drop duplicates by ce_id. Each payload is "
                           "the JSON Schema of its fact type and version; older versions are lifted "
                           "by the upcasters of thidua_events.versions (the subscriber client does it).",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka",
                              "description": "The single-node broker of `make kafka-up`"}},
        "channels": {
            "ledgerEvents": _channel(EVENTS_TOPIC, "Every fact the ledger records, in log order per key.",
                                     fact_names),
            "ledgerAwards": _channel(AWARDS_TOPIC, "Award decisions: conferred, revoked, honoured, "
                                     "rotating flag handed over, leadership elected.",
                                     [name for name in FACTS if name in AWARD_TYPES]),
            "awardsDeadLetter": {
                "address": DEAD_LETTER_TOPIC,
                "description": "Messages a subscriber could not validate: key, value and headers "
                               "unchanged, plus dlq_* headers saying why and where from.",
                "messages": {"deadLetter": {"$ref": "#/components/messages/DeadLetter"}},
            },
        },
        "operations": {
            "publishLedgerEvents": {"action": "send", "channel": {"$ref": "#/channels/ledgerEvents"},
                                    "summary": "The relay publishes the ledger's log."},
            "publishAwards": {"action": "send", "channel": {"$ref": "#/channels/ledgerAwards"},
                              "summary": "The relay publishes award decisions."},
            "deadLetterAwards": {"action": "send", "channel": {"$ref": "#/channels/awardsDeadLetter"},
                                 "summary": "A subscriber sets aside a message that fails validation."},
        },
        "components": {
            "schemas": {"CloudEventHeaders": _HEADERS, "PartitionKey": _KEY},
            "messages": {
                **{name: _message(fact_type) for name, fact_type in FACTS.items()},
                "DeadLetter": {
                    "name": "DeadLetter",
                    "summary": "A message that failed validation, as it was, with the reason.",
                    "headers": {"type": "object", "required": ["dlq_reason", "dlq_topic"], "properties": {
                        "dlq_reason": _attribute("Why the message was refused"),
                        "dlq_topic": _attribute("The topic it came from"),
                        "dlq_partition": _attribute("Its partition", pattern="^[0-9]+$"),
                        "dlq_offset": _attribute("Its offset", pattern="^[0-9]+$"),
                        "dlq_group": _attribute("The consumer group that refused it"),
                    }},
                    "payload": {"description": "The original value, unchanged (any bytes)"},
                },
            },
        },
    }


def asyncapi_yaml() -> str:
    header = "# Generated by `python -m thidua_events.schemas` from the fact models: do not edit.\n"
    return header + "\n".join(_yaml(asyncapi_document(), 0)) + "\n"


# A tiny YAML writer (no YAML library is a dependency of the contract): block style for
# maps and lists, strings double-quoted in JSON syntax (valid YAML) unless plainly safe.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/ ]*[A-Za-z0-9_.]|[A-Za-z]")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{_scalar(key)}:")
                lines += _yaml(item, indent + 2)
            else:
                lines.append(f"{pad}{_scalar(key)}: {_inline(item)}")
    else:
        for item in value:
            if isinstance(item, dict | list) and item:
                nested = _yaml(item, indent + 2)
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines += nested[1:]
            else:
                lines.append(f"{pad}- {_inline(item)}")
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"  # only empty ones are written inline
    return _scalar(value)
