"""The checked-in contract: a JSON Schema per fact type and version, and the AsyncAPI document.

`python -m thidua_events.schemas` regenerates them from the models; `--check` only
reports what differs (for CI). Every released version's schema stays here as
`<Type>.v<N>.json`: it is the reference the compatibility rule compares against.

The rule: within one version a model may only change compatibly (an optional field,
a looser bound); anything that would refuse an old payload needs `version = N + 1`
on the model and an upcaster from N in `thidua_events.versions`. The generator
refuses to overwrite a released schema with an incompatible one.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from thidua_events.cloudevents import ce_type, dataschema
from thidua_events.compatibility import breaking_changes
from thidua_events.facts import FACTS, Fact
from thidua_events.versions import UPCASTERS

SCHEMAS_DIR = Path(__file__).parent
ASYNCAPI_PATH = SCHEMAS_DIR.parent / "asyncapi.yaml"

Schema = dict[str, Any]


def schema_of(fact_type: type[Fact]) -> Schema:
    """The JSON Schema of a fact's payload (the `data` of an event, the value of a Kafka message)."""
    generated = fact_type.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": dataschema(fact_type.type_name(), fact_type.version),
        "x-cloudevents-type": ce_type(fact_type.type_name(), fact_type.version),
        **generated,
    }


def file_name(type_name: str, version: int) -> str:
    return f"{type_name}.v{version}.json"


def render(schema: Schema) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def stored_schema(type_name: str, version: int, directory: Path = SCHEMAS_DIR) -> Schema | None:
    path = directory / file_name(type_name, version)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def contract_problems(type_name: str, version: int, generated: Schema,
                      stored: Callable[[int], Schema | None],
                      has_upcaster: Callable[[int], bool]) -> list[str]:
    """Why the current model breaks the published contract ([] when it does not).

    `stored(v)` is the checked-in schema of version v (None if there is none);
    `has_upcaster(v)` says whether payloads of v are lifted to v + 1.
    """
    problems = []
    released = stored(version)
    if released is not None:
        breaks = breaking_changes(released, generated)
        if breaks:
            problems.append(f"{type_name} v{version} changed incompatibly ({'; '.join(breaks)}): "
                            f"set version = {version + 1} and register an upcaster from v{version}")
    for older in range(1, version):
        if stored(older) is None:
            problems.append(f"{type_name} v{older}: its schema must stay checked in")
        if not has_upcaster(older):
            problems.append(f"{type_name} v{older}: no upcaster to v{older + 1}")
    return problems


def fact_problems(fact_type: type[Fact], directory: Path = SCHEMAS_DIR) -> list[str]:
    name = fact_type.type_name()
    return contract_problems(
        name, fact_type.version, schema_of(fact_type),
        stored=lambda v: stored_schema(name, v, directory),
        has_upcaster=lambda v: (name, v) in UPCASTERS,
    )


def generate(directory: Path = SCHEMAS_DIR, asyncapi_path: Path = ASYNCAPI_PATH, *,
             check: bool = False) -> tuple[list[str], list[str]]:
    """Write (or with `check`, only compare) the schemas and the AsyncAPI document.
    Returns (the files that changed or differ, the refusals)."""
    from thidua_events.asyncapi import asyncapi_yaml

    problems = {name: fact_problems(fact_type, directory) for name, fact_type in FACTS.items()}
    files = {directory / file_name(name, t.version): render(schema_of(t))
             for name, t in FACTS.items() if not problems[name]}  # never overwrite with a breaking one
    files[asyncapi_path] = asyncapi_yaml()
    changed = []
    for path, content in files.items():
        if path.exists() and path.read_text(encoding="utf-8") == content:
            continue
        changed.append(path.name)
        if not check:
            path.write_text(content, encoding="utf-8")
    return changed, [problem for listed in problems.values() for problem in listed]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m thidua_events.schemas", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if anything differs")
    args = parser.parse_args(argv)
    changed, refusals = generate(check=args.check)
    for problem in refusals:
        print(f"refused: {problem}")
    for name in changed:
        print(f"{'differs' if args.check else 'wrote'}: {name}")
    if not changed and not refusals:
        print("schemas and asyncapi.yaml are up to date")
    return 1 if refusals or (args.check and changed) else 0
