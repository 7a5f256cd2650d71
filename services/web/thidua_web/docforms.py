"""The documents a clerk drafts, and the form of each, built from the documents service's own
request schemas (its OpenAPI): a new field, or a new kind of a cluster's year, gets an input
without new page code. Labels are Vietnamese; a field this table does not know is labelled by
the service's description."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thidua_web.clients import DocumentsClient
from thidua_web.missing_vi import missing_part_vi

# The kinds a clerk drafts here: what a kind is called, and what it is drafted from.
KIND_TITLES = {
    "decree": "Quyết định khen thưởng",
    "proposal": "Tờ trình đề nghị khen thưởng",
    "review-minutes": "Biên bản hội nghị tổng kết",
    "pledge-minutes": "Biên bản hội nghị ký kết giao ước thi đua",
    "pledge": "Giao ước thi đua",
    "flag-handover-minutes": "Biên bản bàn giao Cờ luân lưu",
    "report": "Báo cáo tổng kết",
}
FROM_PROPOSAL = ("decree", "proposal")
CLUSTER_YEAR = tuple(kind for kind in KIND_TITLES if kind not in FROM_PROPOSAL)

LABELS = {
    "place": "Địa danh ghi ở dòng ngày tháng",
    "legal_basis_ids": "Căn cứ pháp lý",
    "proposer": "Xét đề nghị của",
    "head_title": "Chức danh thủ trưởng (ví dụ: Giám đốc)",
    "signer_title": "Chức danh người ký (ví dụ: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)",
    "signer": "Người ký",
    "summary": "Trích yếu",
    "achievement": "Thành tích (Điều 1)",
    "award_money": "Tiền thưởng và nguồn chi (Điều 2)",
    "executors": "Nơi thi hành (Điều 3)",
    "effect": "Hiệu lực",
    "copies": "Nơi nhận (mỗi dòng một nơi)",
    "decree_date": "Ngày ký quyết định (dd/mm/yyyy)",
    "chair": "Chủ tọa",
    "secretary": "Thư ký",
    "started_at": "Giờ bắt đầu",
    "ended_at": "Giờ kết thúc",
    "venue": "Địa điểm",
    "guests": "Khách mời (mỗi dòng một người)",
    "discussion": "Ý kiến thảo luận (mỗi dòng một ý)",
    "report": "Nội dung báo cáo đã trình bày (mỗi dòng một ý)",
    "next_pledge": "Giao ước năm sau (mỗi dòng một ý)",
    "results": "Kết quả công tác (mỗi dòng một ý)",
    "lessons": "Bài học kinh nghiệm (mỗi dòng một ý)",
    "direction": "Phương hướng năm sau (mỗi dòng một ý)",
    "attachments": "Hồ sơ kèm theo (mỗi dòng một mục)",
    "giver_representative": "Đại diện đơn vị bàn giao cờ",
    "receiver_representative": "Đại diện đơn vị nhận cờ",
    "witness": "Người chứng kiến",
    "notes": "Ghi chú",
    "held_on": "Ngày tổ chức (dd/mm/yyyy)",
    "dated": "Ngày văn bản (dd/mm/yyyy)",
    "titles": "Danh hiệu đăng ký (mỗi dòng một danh hiệu)",
    "targets": "Chỉ tiêu đăng ký",
    # A row's columns, by "list.column"
    "targets.content": "Nội dung chỉ tiêu",
    "targets.unit": "Đơn vị tính",
    "targets.plan": "Kế hoạch, biện pháp thực hiện",
}
# Set by the page or by the service, never typed by the clerk.
HIDDEN = {"proposal_id", "decree_id"}
DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # "line", "text", "lines", "date", "instruments" or "rows"
    default: str = ""
    columns: tuple["Field", ...] = ()
    """A "rows" field's columns: a list of records (a pledge's targets), one row each."""


@dataclass
class Filled:
    """What the clerk typed (as typed, to show again) and the request body made of it."""

    values: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def service_paths(kind: str, subject: dict[str, str]) -> tuple[str, str, str]:
    """(draft path, issue path, the OpenAPI path of its draft) on the documents service."""
    if kind == "decree":
        return "/documents/decrees/draft", "/documents/decrees", "/documents/decrees/draft"
    if kind == "proposal":
        base = f"/documents/proposals/{subject['proposal_id']}"
        return f"{base}/draft", base, "/documents/proposals/{proposal_id}/draft"
    base = f"/documents/clusters/{subject['cluster_id']}/years/{subject['year']}/{kind}"
    return f"{base}/draft", base, "/documents/clusters/{cluster_id}/years/{year}/" + kind + "/draft"


_SCHEMAS: dict[str, dict[str, Any]] = {}


def _openapi(documents: DocumentsClient) -> dict[str, Any]:
    # One documents service per web process, whose schema changes only with its code: read once.
    if "documents" not in _SCHEMAS:
        _SCHEMAS["documents"] = documents.request("GET", "/openapi.json").json()
    return _SCHEMAS["documents"]


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """`X | None` as X."""
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return {**schema, **options[0]} if len(options) == 1 else schema


def form_fields(documents: DocumentsClient, kind: str, subject: dict[str, str]) -> list[Field]:
    spec = _openapi(documents)
    operation = spec["paths"][service_paths(kind, subject)[2]]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    model = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    fields = []
    for name, raw in model.get("properties", {}).items():
        if name in HIDDEN:
            continue
        schema = _plain(raw)
        items = schema.get("items", {})
        if schema.get("type") == "array" and "$ref" in items:
            record = spec["components"]["schemas"][items["$ref"].rsplit("/", 1)[1]]
            columns = tuple(Field(column, LABELS.get(f"{name}.{column}", _plain(sub).get("description") or column),
                                  "line") for column, sub in record.get("properties", {}).items())
            fields.append(Field(name, LABELS.get(name, raw.get("description") or name), "rows", columns=columns))
            continue
        if schema.get("type") == "array" and items.get("type") == "object":
            continue  # a list of records without a schema of its own: nothing to make its columns of
        if schema.get("type") == "array":
            widget = "instruments" if items.get("format") == "uuid" else "lines"
        elif schema.get("format") == "date":
            widget = "date"
        else:
            widget = "text" if schema.get("maxLength", 0) > 300 else "line"
        default = raw.get("default")
        fields.append(Field(name, LABELS.get(name, raw.get("description") or name), widget,
                            default if isinstance(default, str) else ""))
    return fields


def parse_day(text: str) -> date | None:
    match = DAY.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def fill(fields: list[Field], form: Any) -> Filled:
    """The request body from a submitted form (a Starlette form or a query): empty fields are
    left out, so the service's defaults apply and its missing parts are named."""
    filled = Filled()
    for f in fields:
        if f.widget == "rows":
            rows = _rows(f, form)
            filled.values[f.name] = rows
            typed = [{k: v for k, v in row.items() if v} for row in rows if any(row.values())]
            if typed:
                filled.body[f.name] = typed
            continue
        if f.widget == "instruments":
            chosen = [str(v) for v in form.getlist(f.name)]
            filled.values[f.name] = chosen
            if chosen:
                filled.body[f.name] = chosen
            continue
        text = str(form.get(f.name) or "").strip()
        filled.values[f.name] = text
        if not text:
            continue
        if f.widget == "lines":
            filled.body[f.name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif f.widget == "date":
            day = parse_day(text)
            if day is None:
                filled.errors[f.name] = "Ngày phải có dạng dd/mm/yyyy, ví dụ 14/11/2019."
            else:
                filled.body[f.name] = day.isoformat()
        else:
            filled.body[f.name] = text
    return filled


def _rows(f: Field, form: Any) -> list[dict[str, str]]:
    """A "rows" field's rows as typed (inputs named `list.row.column`), blank rows left out."""
    cell = re.compile(rf"{re.escape(f.name)}\.(\d+)\.(\w+)")
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        if (found := cell.fullmatch(str(key))) and found[2] in {c.name for c in f.columns}:
            rows.setdefault(int(found[1]), {c.name: "" for c in f.columns})[found[2]] = str(form.get(key) or "").strip()
    return [row for _, row in sorted(rows.items()) if any(row.values())]


def query_items(fields: list[Field], values: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's values as a query (the preview's address), rows cell by cell."""
    query: list[tuple[str, str]] = []
    for f in fields:
        value = values.get(f.name, "")
        if f.widget == "rows":
            query += [(f"{f.name}.{i}.{k}", v) for i, row in enumerate(value) for k, v in row.items() if v]
        elif isinstance(value, list):
            query += [(f.name, item) for item in value]
        else:
            query.append((f.name, value))
    return query


def missing_parts(parts: list[str], fields: list[Field]) -> list[dict[str, str]]:
    """Each part the service says is missing: the field that gives it, or what the ledger lacks."""
    by_name = {f.name: f for f in fields}
    shown = []
    for part in parts:
        name = re.split(r"[\s(\[]", part, maxsplit=1)[0]
        if name in by_name:  # a row's cell (`targets[0].unit`) links to its list, said with its row
            text = (missing_part_vi(part) if "[" in part else None) or by_name[name].label
            shown.append({"field": name, "text": text})
        else:  # what the ledger or the register lacks: said in Vietnamese (missing_vi.py)
            shown.append({"field": "", "text": missing_part_vi(part) or f"Sổ cái hoặc sổ văn bản chưa có: {part}"})
    return shown
