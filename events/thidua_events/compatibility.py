"""Backward compatibility between two JSON Schemas of one fact type.

"Compatible" means: every payload the old schema accepts, the new one accepts too,
so a subscriber built on the new contract still reads every stored event and every
message already on a topic. The checker compares what pydantic emits, and is
deliberately small: it looks at required fields, removed fields (our models forbid
extra fields, so a removed field makes old payloads invalid), types, nullability,
enums, formats, patterns and bounds, following `$ref`s, unions, objects and arrays.
It does not reason about `allOf`/`not`/`if`, which our models never produce; an
unknown construct that differs is reported, never silently accepted.
"""

from typing import Any

Schema = dict[str, Any]

_UPPER_BOUNDS = ("maxLength", "maxItems", "maximum", "exclusiveMaximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minimum", "exclusiveMinimum")
_UNSUPPORTED = ("allOf", "not", "if", "then", "else", "patternProperties", "dependentRequired")


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What old payloads the new schema would refuse, one line per problem; [] when compatible."""
    return _Comparison(old, new).compare(old, new, "$")


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root, self.new_root = old_root, new_root
        self.visited: set[tuple[str, str]] = set()  # recursive models (a criterion's children)

    def compare(self, old: Schema, new: Schema, path: str) -> list[str]:
        old, old_ref = _resolve(self.old_root, old)
        new, new_ref = _resolve(self.new_root, new)
        if old_ref and new_ref:
            if (old_ref, new_ref) in self.visited:
                return []
            self.visited.add((old_ref, new_ref))
        if not _constraints(new):  # accepts anything
            return []
        old_options, new_options = _options(old), _options(new)
        if len(old_options) > 1:  # every old alternative must still be accepted
            return [p for option in old_options for p in self.compare(option, new, path)]
        if len(new_options) > 1:  # one new alternative accepting it is enough
            attempts = [self.compare(old, option, path) for option in new_options]
            if any(not problems for problems in attempts):
                return []
            return [f"{path}: {_describe(old)} is no longer accepted (now {_describe(new)})"]
        return self._compare_one(old, new, path)

    def _compare_one(self, old: Schema, new: Schema, path: str) -> list[str]:
        for keyword in _UNSUPPORTED:
            if keyword in new and new.get(keyword) != old.get(keyword):
                return [f"{path}: '{keyword}' changed, which this checker cannot judge"]
        old_types, new_types = _types(old), _types(new)
        if new_types is not None:
            lost = (old_types or {"any"}) - new_types
            if "integer" in lost and "number" in new_types:
                lost.discard("integer")
            if lost:
                return [f"{path}: type {_describe(old)} changed to {_describe(new)}"]
        problems: list[str] = []
        old_values, new_values = _values(old), _values(new)
        if new_values is not None and (old_values is None or not old_values <= new_values):
            problems.append(f"{path}: allowed values narrowed from {_show(old_values)} to {_show(new_values)}")
        for keyword in ("format", "pattern"):
            if keyword in new and new[keyword] != old.get(keyword):
                problems.append(f"{path}: {keyword} {old.get(keyword)!r} changed to {new[keyword]!r}")
        for keyword in _UPPER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] < old[keyword]):
                problems.append(f"{path}: {keyword} tightened from {old.get(keyword)} to {new[keyword]}")
        for keyword in _LOWER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] > old[keyword]):
                problems.append(f"{path}: {keyword} tightened from {old.get(keyword)} to {new[keyword]}")
        problems += self._compare_object(old, new, path)
        problems += self._compare_array(old, new, path)
        return problems

    def _compare_object(self, old: Schema, new: Schema, path: str) -> list[str]:
        if "properties" not in old and "properties" not in new:
            return []
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        problems = []
        for name in sorted(new_required - old_required):
            if name in old_fields:
                problems.append(f"{path}.{name}: optional field became required")
            else:
                problems.append(f"{path}.{name}: new required field")
        if new.get("additionalProperties") is False:
            problems += [f"{path}.{name}: field removed" for name in old_fields if name not in new_fields]
        for name in old_fields:
            if name in new_fields:
                problems += self.compare(old_fields[name], new_fields[name], f"{path}.{name}")
        return problems

    def _compare_array(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems = []
        if isinstance(new.get("items"), dict):
            problems += self.compare(old.get("items", {}), new["items"], f"{path}[]")
        old_prefix, new_prefix = old.get("prefixItems", []), new.get("prefixItems", [])
        for index, item in enumerate(new_prefix):
            before = old_prefix[index] if index < len(old_prefix) else old.get("items", {})
            problems += self.compare(before, item, f"{path}[{index}]")
        return problems


def _resolve(root: Schema, schema: Schema) -> tuple[Schema, str | None]:
    ref = schema.get("$ref")
    if not ref:
        return schema, None
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, not {ref!r}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return target, ref


def _options(schema: Schema) -> list[Schema]:
    return schema.get("anyOf") or schema.get("oneOf") or [schema]


def _types(schema: Schema) -> set[str] | None:
    if "type" not in schema:
        return None
    kind = schema["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def _values(schema: Schema) -> set[Any] | None:
    if "const" in schema:
        return {_hashable(schema["const"])}
    if "enum" in schema:
        return {_hashable(value) for value in schema["enum"]}
    return None


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


_ANNOTATIONS = {"title", "description", "default", "examples", "deprecated", "$comment"}


def _constraints(schema: Schema) -> set[str]:
    return set(schema) - _ANNOTATIONS


def _describe(schema: Schema) -> str:
    options = _options(schema)
    if len(options) > 1:
        return " | ".join(_describe(option) for option in options)
    kind = schema.get("type", "any")
    detail = schema.get("format") or ("enum" if "enum" in schema else "")
    return f"{kind}({detail})" if detail else str(kind)


def _show(values: set[Any] | None) -> str:
    return "anything" if values is None else "{" + ", ".join(sorted(map(str, values))) + "}"
