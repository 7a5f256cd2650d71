"""Correcting (đính chính) or retracting (hủy bỏ) a recorded fact, from the fact itself.

`/entities/{id}/events` lists an entity's facts; each fact in force has "Sửa" and "Hủy".
"Sửa" opens the fact's own form filled with what is recorded; the clerk changes it and gives
the reason, sees the recorded and the new value side by side, and confirms: the ledger then
records a FactCorrected naming the original. "Hủy" shows the fact and asks for the reason
before it records a FactRetracted. Nothing is changed in place: both are new facts."""

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from thidua_events.facts import FACTS, Fact
from thidua_events.facts.awards import Decree
from thidua_events.rules_vi import rule_message

from thidua_web.clients import Forbidden, Invalid, LedgerClient, NotFound, RuleRefused
from thidua_web.clocks import ClocksDep
from thidua_web.deps import LedgerDep
from thidua_web.forms import (
    NEW_ID_FIELDS,
    Options,
    build_form,
    ledger_errors,
    raw_from_data,
    sent_key,
    specs_of,
    year_entity_id,
)
from thidua_web.forms.show import compare, lines_of
from thidua_web.forms.values import Errors, body_from_raw, parse_date, raw_from_form, vn_date_text
from thidua_web.pages.record import FormDep
from thidua_web.templating import render

router = APIRouter()
REASON, DECIDED_ON, SOURCE, STEP = "_reason", "_decided_on", "_source_ref", "_step"
CORRECTIONS = ("FactCorrected", "FactRetracted")


def _in_force(entry: dict[str, Any]) -> tuple[type[Fact], dict[str, Any]] | None:
    """The type and data a history entry holds in force (a correction's replacement), or None."""
    if entry.get("corrected_by") or entry["type"] == "FactRetracted":
        return None
    if entry["type"] == "FactCorrected":
        kind = FACTS.get(entry["data"]["replacement_type"])
        return (kind, entry["data"]["replacement"]) if kind else None
    kind = FACTS.get(entry["type"])
    return (kind, entry["data"]) if kind else None


def _root(history: list[dict[str, Any]], version: int) -> int:
    by_version = {e["entity_version"]: e for e in history}
    while (entry := by_version.get(version)) and entry["type"] in CORRECTIONS:
        version = int(entry["data"]["original"].split(":")[1])
    return version


def _options(ledger: LedgerClient, data: dict[str, Any]) -> Options:
    return Options(ledger, str(data.get("cluster_id") or ""), str(data.get("year") or ""))


def _specs(kind: type[Fact]) -> list[Any]:
    """The replacement's fields: the fact's own, but the id of the entity (it stays the same)."""
    new_id = NEW_ID_FIELDS.get(kind.type_name())
    return specs_of(kind, leave_out=frozenset({new_id} if new_id else ()))


@router.get("/clusters/{cluster_id}/years/{year}/events")
def year_events(cluster_id: str, clocks: ClocksDep, year: int = Path(ge=1945, le=2100)) -> Response:
    """A cluster-year's facts: the ledger keeps them under the year's own id."""
    try:
        entity = year_entity_id(cluster_id, year)
    except ValueError:
        raise NotFound("không có cụm thi đua này") from None
    return RedirectResponse(clocks.link(f"/entities/{entity}/events"), status_code=303)


def _today() -> str:
    return vn_date_text(date.today().isoformat())


def _history(ledger: LedgerClient, entity_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ledger.read(f"/entities/{entity_id}/events")
    return found


def _may_change(kind: type[Fact]) -> bool:
    """A decree is revoked by another decree, a grant by a revocation: neither is corrected by a clerk."""
    return not issubclass(kind, Decree) and kind.aggregate != "access"


@router.get("/entities/{entity_id}/events", response_class=HTMLResponse)
def entity_events(request: Request, entity_id: str, ledger: LedgerDep, done: str | None = None) -> HTMLResponse:
    history = _history(ledger, entity_id)
    facts = []
    for entry in history:
        in_force = _in_force(entry)
        kind = in_force[0] if in_force else FACTS.get(entry["type"])
        data = in_force[1] if in_force else entry["data"]
        readable = kind is not None and kind.type_name() not in CORRECTIONS
        facts.append({
            "entry": entry, "kind": kind, "in_force": in_force is not None,
            "lines": lines_of(_specs(kind), data, _options(ledger, data)) if kind and readable else [],
            "may_correct": in_force is not None and _may_change(in_force[0]),
            "may_retract": in_force is not None and _may_change(in_force[0])
                           and _root(history, entry["entity_version"]) != 1,
        })
    first = history[0]["data"] if history else {}
    return render(request, "correct/events.html", {"entity_id": entity_id, "facts": facts, "done": done,
                                                   "cluster_id": first.get("cluster_id"), "year": first.get("year")})


def _original(ledger: LedgerClient, entity_id: str, version: int) -> tuple[dict[str, Any], type[Fact], dict[str, Any]]:
    """The history entry of a fact in force, with the type and data it holds."""
    entry = next((e for e in _history(ledger, entity_id) if e["entity_version"] == version), None)
    held = _in_force(entry) if entry else None
    if entry is None or held is None or not _may_change(held[0]):
        raise NotFound("sự kiện này không còn hiệu lực, không sửa được, hoặc không có trong sổ cái")
    return entry, held[0], held[1]


def _note(sent: Any, errors: Errors) -> tuple[str, str, str]:
    reason = str(sent.get(REASON) or "").strip()
    decided = parse_date(str(sent.get(DECIDED_ON) or ""))
    if not reason:
        errors.setdefault(REASON, []).append("Hãy nêu lý do.")
    if decided is None:
        errors.setdefault(DECIDED_ON, []).append("Ngày viết theo dạng ngày/tháng/năm, ví dụ 14/11/2019.")
    return reason, decided.isoformat() if decided else "", str(sent.get(SOURCE) or "").strip()


def _record(ledger: LedgerClient, type_name: str, body: dict[str, Any], key: str | None) -> dict[str, Any] | None:
    """Records; a refusal is returned as the page shows it (None when recorded)."""
    try:
        ledger.record(type_name, body, key)
    except Invalid as invalid:
        messages = [f"{loc}: {m}" if loc else m for loc, ms in ledger_errors(invalid).items() for m in ms]
        return {"rule": "", "message": "Dữ liệu đính chính không hợp lệ.", "detail": "; ".join(messages)}
    except (RuleRefused, Forbidden) as refused:
        return {"rule": refused.rule or "", "message": rule_message(refused.rule), "detail": refused.detail}
    return None


@router.get("/entities/{entity_id}/events/{version}/correct", response_class=HTMLResponse)
def correct_form(request: Request, entity_id: str, version: int, ledger: LedgerDep) -> HTMLResponse:
    entry, kind, data = _original(ledger, entity_id, version)
    raw = raw_from_data(_specs(kind), data)
    return _correct_page(request, ledger, entry, kind, data, raw, {}, {DECIDED_ON: _today()})


def _correct_page(request: Request, ledger: LedgerClient, entry: dict[str, Any], kind: type[Fact],
                  data: dict[str, Any], raw: dict[str, Any], errors: Errors, note: dict[str, str], *,
                  step: str = "edit", rows: list[Any] | None = None, refusal: dict[str, Any] | None = None,
                  key: str | None = None, hidden: list[tuple[str, str]] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    options = _options(ledger, {**data, **{k: raw.get(k) for k in ("cluster_id", "year") if raw.get(k)}})
    form = build_form(kind, options, raw, errors, key)
    form.widgets = [w for w in form.widgets if w.spec.key not in ("reason", "source_ref")]
    new_id = NEW_ID_FIELDS.get(kind.type_name())
    form.widgets = [w for w in form.widgets if w.spec.key != new_id]
    return render(request, "correct/correct.html", {
        "entry": entry, "kind": kind, "form": form, "note": note, "errors": errors, "step": step, "rows": rows,
        "refusal": refusal, "hidden": hidden or [],
    }, status_code=status_code)


@router.post("/entities/{entity_id}/events/{version}/correct", response_class=HTMLResponse)
def correct(request: Request, entity_id: str, version: int, ledger: LedgerDep, sent: FormDep) -> Response:
    entry, kind, data = _original(ledger, entity_id, version)
    specs = _specs(kind)
    raw = raw_from_form(specs, sent)
    body, errors = body_from_raw(specs, raw)
    reason, decided_on, source = _note(sent, errors)
    note = {REASON: reason, DECIDED_ON: str(sent.get(DECIDED_ON) or ""), SOURCE: source}
    key = sent_key(sent)
    step = str(sent.get(STEP) or "review")
    if errors or step == "edit":
        return _correct_page(request, ledger, entry, kind, data, raw, errors, note, key=key,
                             status_code=422 if errors else 200)
    new_id = NEW_ID_FIELDS.get(kind.type_name())
    if new_id:
        body[new_id] = data[new_id]
    options = _options(ledger, data)
    rows = compare(lines_of(specs, data, options), lines_of(specs, body, options))
    if step != "confirm" or not any(changed for *_, changed in rows):
        hidden = [(k, str(v)) for k, v in sent.multi_items() if k not in ("csrf_token", STEP)]
        unchanged = None if any(changed for *_, changed in rows) else {
            "rule": "correction-changes-something", "message": rule_message("correction-changes-something"),
            "detail": ""}
        return _correct_page(request, ledger, entry, kind, data, raw, {}, note, step="edit" if unchanged else "review",
                             rows=rows, refusal=unchanged, key=key, hidden=hidden,
                             status_code=409 if unchanged else 200)
    refusal = _record(ledger, "FactCorrected", {
        "effective_date": decided_on, "original": entry["id"], "replacement_type": kind.type_name(),
        "replacement": body, "reason": reason, **({"source_ref": source} if source else {})}, key)
    if refusal:
        return _correct_page(request, ledger, entry, kind, data, raw, {}, note, refusal=refusal, key=key,
                             status_code=409)
    return RedirectResponse(f"/entities/{entity_id}/events?done=corrected", status_code=303)


@router.get("/entities/{entity_id}/events/{version}/retract", response_class=HTMLResponse)
def retract_form(request: Request, entity_id: str, version: int, ledger: LedgerDep) -> HTMLResponse:
    entry, kind, data = _original(ledger, entity_id, version)
    return _retract_page(request, ledger, entry, kind, data, {DECIDED_ON: _today()}, {})


def _retract_page(request: Request, ledger: LedgerClient, entry: dict[str, Any], kind: type[Fact],
                  data: dict[str, Any], note: dict[str, str], errors: Errors, refusal: dict[str, Any] | None = None,
                  key: str | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "correct/retract.html", {
        "entry": entry, "kind": kind, "fact_lines": lines_of(_specs(kind), data, _options(ledger, data)), "note": note,
        "errors": errors, "refusal": refusal, "key": key or str(uuid.uuid4())}, status_code=status_code)


@router.post("/entities/{entity_id}/events/{version}/retract", response_class=HTMLResponse)
def retract(request: Request, entity_id: str, version: int, ledger: LedgerDep, sent: FormDep) -> Response:
    entry, kind, data = _original(ledger, entity_id, version)
    errors: Errors = {}
    reason, decided_on, source = _note(sent, errors)
    note = {REASON: reason, DECIDED_ON: str(sent.get(DECIDED_ON) or ""), SOURCE: source}
    key = sent_key(sent)
    if errors:
        return _retract_page(request, ledger, entry, kind, data, note, errors, key=key, status_code=422)
    refusal = _record(ledger, "FactRetracted", {"effective_date": decided_on, "original": entry["id"],
                                                "reason": reason, **({"source_ref": source} if source else {})}, key)
    if refusal:
        return _retract_page(request, ledger, entry, kind, data, note, {}, refusal, key, status_code=409)
    return RedirectResponse(f"/entities/{entity_id}/events?done=retracted", status_code=303)

