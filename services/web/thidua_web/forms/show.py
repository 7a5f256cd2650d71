"""A recorded fact as a clerk reads it: each field by its Vietnamese title, ids by the names
of what they name, dates as dd/mm/yyyy, choices by their labels. Flat lines, so that an
original and its correction can be set side by side, line by line."""

from dataclasses import dataclass
from typing import Any

from thidua_web.forms.fields import FieldSpec
from thidua_web.forms.options import Options
from thidua_web.forms.values import name_of, vn_date_text


@dataclass(frozen=True)
class Line:
    path: str  # the field's form name, e.g. criteria.0.title
    label: str  # e.g. "Tiêu chí, thang điểm 1 › Nội dung tiêu chí"
    text: str  # "" where nothing is recorded


def _text(spec: FieldSpec, value: Any, options: Options) -> str:
    if value is None or value == "" or value == []:
        return ""
    if spec.widget == "picks":
        return ", ".join(_text(spec, item, options) for item in value) if spec.source else ", ".join(value)
    if spec.widget == "pick" and spec.source and not options.needs_year(spec.source):
        return options.label(spec.source, str(value))
    if spec.widget == "choice":
        return dict(spec.choices).get(str(value), str(value))
    if spec.widget == "date":
        return vn_date_text(str(value))
    if spec.widget == "checkbox":
        return "Có" if value else "Không"
    if spec.widget == "decimal":
        return str(value).replace(".", ",")
    if spec.widget == "lines":
        return "; ".join(str(item) for item in value)
    return str(value)


def lines_of(specs: list[FieldSpec], data: dict[str, Any], options: Options, prefix: str = "",
             label_prefix: str = "") -> list[Line]:
    found: list[Line] = []
    for spec in specs:
        value = data.get(spec.key)
        path, label = name_of(prefix, spec.key), f"{label_prefix}{spec.title}"
        if spec.widget == "group":
            found += lines_of(spec.children(), value or {}, options, path, f"{label} › ") if value else \
                [Line(path, label, "")]
        elif spec.widget == "rows":
            for i, row in enumerate(value or []):
                found += lines_of(spec.children(), row, options, f"{path}.{i}", f"{label} {i + 1} › ")
            if not value:
                found.append(Line(path, label, ""))
        else:
            found.append(Line(path, label, _text(spec, value, options)))
    return found


def compare(before: list[Line], after: list[Line]) -> list[tuple[str, str, str, bool]]:
    """(label, before, after, changed) for every line of either, in the order of the form."""
    old = {line.path: line for line in before}
    new = {line.path: line for line in after}
    paths = [line.path for line in before] + [line.path for line in after if line.path not in old]
    rows = []
    for path in paths:
        label = (new.get(path) or old[path]).label
        was, now = old[path].text if path in old else "", new[path].text if path in new else ""
        rows.append((label, was, now, was != now))
    return rows
