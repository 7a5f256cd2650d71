"""A form's values three ways: as the browser sends them (flat names such as
`recipients.0.unit_id`), as the form holds them (`Raw`: text, lists and dicts of text, nested
like the model, blank rows dropped), and as the ledger takes them (the JSON body).

Dates are typed dd/mm/yyyy and sent as ISO dates; decimals may be typed with a comma. A value
that cannot be sent stays in the form with its error, and nothing is sent."""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import ImmutableMultiDict

from thidua_web.forms.fields import FieldSpec

Raw = Any  # str | list[str] | dict[str, Raw] | list[dict[str, Raw]]
Errors = dict[str, list[str]]  # by the field's form name


# A browser's form or a link's query: names may repeat (a list picked from).
FormData = ImmutableMultiDict[str, Any]


def blank(raw: Raw) -> bool:
    if isinstance(raw, dict):
        return all(blank(value) for value in raw.values())
    if isinstance(raw, list):
        return all(blank(value) for value in raw)
    return raw is None or str(raw).strip() == ""


def name_of(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def raw_from_form(specs: list[FieldSpec], form: FormData, prefix: str = "") -> dict[str, Raw]:
    """What the browser sent (or a link's query), nested like the model; blank rows left out."""
    raw: dict[str, Raw] = {}
    for spec in specs:
        name = name_of(prefix, spec.key)
        if spec.widget == "picks":
            raw[spec.key] = [str(v) for v in form.getlist(name) if str(v).strip()]
        elif spec.widget == "group":
            raw[spec.key] = raw_from_form(spec.children(), form, name)
        elif spec.widget == "rows":
            indices = sorted({int(m[1]) for key in form
                              if (m := re.fullmatch(re.escape(name) + r"\.(\d+)\..+", str(key)))})
            rows = [raw_from_form(spec.children(), form, f"{name}.{i}") for i in indices]
            raw[spec.key] = [row for row in rows if not blank(row)]
        else:
            value = form.get(name)
            raw[spec.key] = "" if value is None else str(value)
    return raw


def raw_from_data(specs: list[FieldSpec], data: Mapping[str, Any]) -> dict[str, Raw]:
    """A recorded fact's data as the form shows it (for a correction's form)."""
    raw: dict[str, Raw] = {}
    for spec in specs:
        value = data.get(spec.key)
        if value is None:
            raw[spec.key] = [] if spec.widget in ("picks", "rows") else {} if spec.widget == "group" else ""
        elif spec.widget == "group":
            raw[spec.key] = raw_from_data(spec.children(), value)
        elif spec.widget == "rows":
            raw[spec.key] = [raw_from_data(spec.children(), row) for row in value]
        elif spec.widget == "picks":
            raw[spec.key] = [str(v) for v in value]
        elif spec.widget == "lines":
            raw[spec.key] = "\n".join(str(v) for v in value)
        elif spec.widget == "checkbox":
            raw[spec.key] = "on" if value else ""
        elif spec.widget == "date":
            raw[spec.key] = vn_date_text(str(value))
        elif spec.widget == "decimal":
            raw[spec.key] = str(value).replace(".", ",")
        else:
            raw[spec.key] = str(value)
    return raw


def vn_date_text(iso: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso[:10])
    return f"{match[3]}/{match[2]}/{match[1]}" if match else iso


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (d/m/yyyy and dd-mm-yyyy too; an ISO date is taken as it is)."""
    text = text.strip()
    try:
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def body_from_raw(specs: list[FieldSpec], raw: Mapping[str, Raw], prefix: str = "",
                  errors: Errors | None = None) -> tuple[dict[str, Any], Errors]:
    """The JSON the ledger takes, and the errors of values that cannot be sent (by form name).
    An empty optional value is left out: the ledger's default applies."""
    errors = {} if errors is None else errors
    body: dict[str, Any] = {}
    for spec in specs:
        name, value = name_of(prefix, spec.key), raw.get(spec.key)
        if spec.widget == "group":
            if not blank(value):
                body[spec.key], _ = body_from_raw(spec.children(), value or {}, name, errors)
        elif spec.widget == "rows":
            rows = [body_from_raw(spec.children(), row, f"{name}.{i}", errors)[0] for i, row in enumerate(value or [])]
            if rows or spec.required:
                body[spec.key] = rows
        elif spec.widget == "picks":
            if value or spec.required:
                body[spec.key] = list(value or [])
        elif spec.widget == "checkbox":
            body[spec.key] = bool(value)
        elif blank(value):
            continue
        elif spec.widget == "lines":
            body[spec.key] = [line.strip() for line in str(value).splitlines() if line.strip()]
        elif spec.widget == "date":
            day = parse_date(str(value))
            if day is None:
                errors.setdefault(name, []).append("Ngày viết theo dạng ngày/tháng/năm, ví dụ 14/11/2019.")
            else:
                body[spec.key] = day.isoformat()
        elif spec.widget == "integer":
            try:
                body[spec.key] = int(str(value).strip())
            except ValueError:
                errors.setdefault(name, []).append("Hãy nhập một số nguyên.")
        elif spec.widget == "decimal":
            try:
                body[spec.key] = str(Decimal(str(value).strip().replace(",", ".")))
            except InvalidOperation:
                errors.setdefault(name, []).append("Hãy nhập một số, ví dụ 9,5.")
        else:
            body[spec.key] = str(value).strip()
    return body, errors
