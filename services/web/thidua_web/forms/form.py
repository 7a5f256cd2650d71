"""A form for any fact kind, built from the contract's model: `build_form` for the page to
render (templates/forms/fields.html), `read_form` for what the clerk sent, `ledger_errors` to
put a 422 of the ledger next to the fields it names."""

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from thidua_events.bounds import IDEMPOTENCY_KEY_PATTERN
from thidua_events.facts import FACTS, Fact

from thidua_web.between_vi import between_fields_message
from thidua_web.clients import Invalid
from thidua_web.forms.fields import FieldSpec, fact_specs
from thidua_web.forms.options import YEAR_LISTS, Option, Options
from thidua_web.forms.values import Errors, FormData, Raw, blank, body_from_raw, name_of, raw_from_form

ADD_ROW = "_add"  # a button that adds a row to the list it names, recording nothing
REFRESH = "_refresh"  # a button that reloads the lists (after choosing a cluster and year)
KEY = "_key"  # the Idempotency-Key of this rendering of the form: a double submit records once
_WELL_FORMED_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def sent_key(sent: FormData) -> str | None:
    """The form's key as the browser sent it back, if it is one the ledger takes. Anything may
    come back in a hidden field: a key outside printable ASCII cannot even be written into the
    header (a 500), one with NUL or a tab the ledger refuses. Such a form goes on without one
    (a fresh key if it is drawn again): only its sender loses the retry's safety."""
    key = str(sent.get(KEY) or "")
    return key if _WELL_FORMED_KEY.fullmatch(key) else None


@dataclass
class Widget:
    """One field as the page shows it: its form name and html id, what the clerk entered,
    its errors, the choices of a list, and the rows or fields nested in it."""

    spec: FieldSpec
    name: str
    value: Raw
    errors: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    rows: list[list["Widget"]] = field(default_factory=list)
    children: list["Widget"] = field(default_factory=list)
    waiting_for_year: bool = False

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def label(self) -> str:
        return self.spec.title

    def selected(self, option: str) -> bool:
        return option in self.value if isinstance(self.value, list) else option == self.value


@dataclass
class Form:
    fact_type: type[Fact]
    widgets: list[Widget]
    key: str
    errors: Errors  # every error, by form name
    general: list[str]  # errors of no field on the form
    needs_refresh: bool

    @property
    def type_name(self) -> str:
        return self.fact_type.type_name()


def fact_type_named(name: str) -> type[Fact] | None:
    return FACTS.get(name)


def _options_for(spec: FieldSpec, value: Raw, options: Options) -> list[Option]:
    if spec.widget == "choice":
        return spec.choices
    if spec.source is None:
        return []
    found = list(options.of(spec.source))
    known = {key for key, _ in found}
    # A value the list does not hold (another scope, a prefilled link) stays selectable: the input is kept.
    for chosen in value if isinstance(value, list) else [value]:
        if chosen and chosen not in known:
            found.append((chosen, chosen))
    return found


def _widgets(specs: list[FieldSpec], raw: dict[str, Raw], prefix: str, errors: Errors, options: Options,
             add: str | None) -> list[Widget]:
    widgets = []
    for spec in specs:
        name = name_of(prefix, spec.key)
        value = raw.get(spec.key)
        if blank(value) and spec.default is not None and spec.widget not in ("rows", "group"):
            value = "on" if spec.default is True else str(spec.default)
        widget = Widget(spec, name, "" if value is None else value, errors=errors.get(name, []))
        if spec.widget in ("pick", "picks", "choice"):
            widget.options = _options_for(spec, widget.value, options)
            widget.waiting_for_year = spec.source is not None and options.needs_year(spec.source)
        if spec.widget == "group":
            widget.children = _widgets(spec.children(), value or {}, name, errors, options, add)
        if spec.widget == "rows":
            rows: list[Raw] = list(value or [])
            # One empty row to fill in; nested lists only under a row that has something.
            if spec.depth == 0 or not blank(raw):
                rows.append({})
            if add == name:
                rows.append({})
            widget.rows = [_widgets(spec.children(), row, f"{name}.{i}", errors, options, add)
                           for i, row in enumerate(rows)]
        widgets.append(widget)
    return widgets


def build_form(fact_type: type[Fact], ledger_options: Options, raw: dict[str, Raw] | None = None,
               errors: Errors | None = None, key: str | None = None, add: str | None = None) -> Form:
    """The form of `fact_type`, holding `raw` (what the clerk entered or a link prefilled) and
    `errors` (by form name); an error naming no field on the form is shown at its top."""
    errors = errors or {}
    widgets = _widgets(fact_specs(fact_type), raw or {}, "", errors, ledger_options, add)
    names = {w.name for w in _all(widgets)}
    general = [f"{name}: {message}" if name else message
               for name, messages in errors.items() if name not in names for message in messages]
    needs_refresh = any(w.spec.source in YEAR_LISTS for w in _all(widgets))
    return Form(fact_type, widgets, key or str(uuid.uuid4()), errors, general, needs_refresh)


def _all(widgets: list[Widget]) -> list[Widget]:
    found = []
    for widget in widgets:
        found.append(widget)
        found += _all(widget.children)
        for row in widget.rows:
            found += _all(row)
    return found


def read_form(fact_type: type[Fact], form: FormData) -> tuple[dict[str, Raw], dict[str, Any], Errors]:
    """What the clerk sent: the values to show again, the body for the ledger, and the errors
    of values that cannot be sent."""
    specs = fact_specs(fact_type)
    raw = raw_from_form(specs, form)
    body, errors = body_from_raw(specs, raw)
    return raw, body, errors


# The ledger's 422s in the clerk's words, by pydantic's error type; the ledger's own text is kept beside.
MESSAGES = {
    "missing": "Chưa nhập.",
    "greater_than_equal": "Phải từ {ge} trở lên.",
    "less_than_equal": "Không được quá {le}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_too_short": "Chưa nhập.",
    "too_short": "Cần ít nhất {min_length} dòng.",
    "too_long": "Nhiều quá {max_length} dòng.",
    "uuid_parsing": "Hãy chọn trong danh sách.",
    "uuid_type": "Hãy chọn trong danh sách.",
    "enum": "Hãy chọn trong danh sách.",
    "literal_error": "Hãy chọn trong danh sách.",
    "int_parsing": "Hãy nhập một số nguyên.",
    "decimal_parsing": "Hãy nhập một số.",
    "decimal_max_places": "Nhiều nhất {decimal_places} chữ số sau dấu phẩy.",
    "decimal_max_digits": "Số quá dài.",
    "date_from_datetime_parsing": "Ngày không hợp lệ.",
    "date_parsing": "Ngày không hợp lệ.",
    "string_pattern_mismatch": "Không đúng dạng quy định.",
    "extra_forbidden": "Trường này không thuộc loại sự kiện này.",
}


def ledger_errors(refusal: Invalid) -> Errors:
    """A 422 of the ledger by form name: its `loc` without "body" is the field's form name."""
    found: Errors = {}
    details = refusal.body.get("detail") if isinstance(refusal.body, dict) else None
    for error in details if isinstance(details, list) else []:
        loc = [str(part) for part in error.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        context = error.get("ctx") or {}
        template = MESSAGES.get(str(error.get("type", "")))
        try:
            message = template.format(**context) if template else ""
        except (KeyError, IndexError):
            message = template or ""
        if context.get("code"):  # a check between fields: its code, not its English
            params = context.get("params")
            message = between_fields_message(str(context["code"]), params if isinstance(params, dict) else {}) or ""
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        if not message:
            message = f"Không hợp lệ: {said}" if said else "Không hợp lệ."
        found.setdefault(".".join(loc), []).append(message)
    if not found:
        found[""] = [f"Dữ liệu không hợp lệ: {refusal.detail}"]
    return found
