"""Recording any fact through a form built from its model (forms/): `/record` lists the fact
kinds, `/record/{FactType}` shows the form (prefilled from the query, e.g. the cluster and year
of the page it was opened from) and records it through the ledger as the signed-in person.

A 422 shows beside the field the ledger names, a 409 at the top with the rule in Vietnamese,
and what the clerk entered stays in the form. Each rendering carries its own Idempotency-Key:
a double submit, or a reload of the answer, records once."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from thidua_events.facts import FACTS, Fact
from thidua_events.facts.corrections import Correction
from thidua_events.rules_vi import rule_message

from thidua_web.clients import Forbidden, Invalid, LedgerClient, NotFound, RuleRefused
from thidua_web.deps import LedgerDep
from thidua_web.forms import (
    ADD_ROW,
    REFRESH,
    Options,
    build_form,
    fact_type_named,
    ledger_errors,
    raw_from_form,
    read_form,
    sent_key,
)
from thidua_web.forms.fields import fact_specs
from thidua_web.forms.values import Errors, Raw
from thidua_web.templating import render

router = APIRouter()

# The fact kinds by what they are about, in the order of a year's work.
GROUPS = [
    ("Cơ quan, đơn vị, cán bộ", ("authority", "unit", "person")),
    ("Cụm thi đua", ("cluster",)),
    ("Năm thi đua", ("emulation_year",)),
    ("Khen thưởng", ("award_kind", "award_proposal", "decree")),
    ("Quyền ghi (quản trị)", ("access",)),
]
PREFILL = ("cluster_id", "year", "unit_id", "authority_id")  # carried from /record to each form


def recordable() -> list[type[Fact]]:
    """Every fact kind with a form of its own: corrections are made from the fact they correct."""
    return [kind for kind in FACTS.values() if not issubclass(kind, Correction)]


def grouped() -> list[tuple[str, list[type[Fact]]]]:
    kinds = recordable()
    groups = [(title, [k for k in kinds if k.aggregate in aggregates]) for title, aggregates in GROUPS]
    named = {k for _, members in groups for k in members}
    rest = [k for k in kinds if k not in named]  # a new aggregate still gets its forms
    return [(title, members) for title, members in [*groups, ("Khác", rest)] if members]


async def form_data(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def _fact_type(name: str) -> type[Fact]:
    kind = fact_type_named(name)
    if kind is None or issubclass(kind, Correction):
        raise NotFound(f"không có loại sự kiện {name}")
    return kind


def _page(request: Request, ledger: LedgerClient, kind: type[Fact], raw: dict[str, Raw], *,
          errors: Errors | None = None, key: str | None = None, add: str | None = None,
          refusal: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    options = Options(ledger, str(raw.get("cluster_id") or ""), str(raw.get("year") or ""))
    form = build_form(kind, options, raw, errors, key, add)
    return render(request, "record/form.html", {"form": form, "refusal": refusal}, status_code=status_code)


@router.get("/record", response_class=HTMLResponse)
def record_index(request: Request, _: LedgerDep) -> HTMLResponse:
    prefill = {k: v for k in PREFILL if (v := request.query_params.get(k))}
    return render(request, "record/index.html", {"groups": grouped(), "prefill": prefill})


@router.get("/record/{type_name}", response_class=HTMLResponse)
def record_form(request: Request, type_name: str, ledger: LedgerDep) -> HTMLResponse:
    kind = _fact_type(type_name)
    return _page(request, ledger, kind, raw_from_form(fact_specs(kind), request.query_params))


@router.post("/record/{type_name}", response_class=HTMLResponse)
def record(request: Request, type_name: str, ledger: LedgerDep, sent: FormDep) -> Response:
    kind = _fact_type(type_name)
    raw, body, errors = read_form(kind, sent)
    key = sent_key(sent)
    if sent.get(ADD_ROW) or sent.get(REFRESH) is not None:
        return _page(request, ledger, kind, raw, key=key, add=str(sent.get(ADD_ROW) or "") or None)
    if errors:
        return _page(request, ledger, kind, raw, errors=errors, key=key, status_code=422)
    try:
        receipt = ledger.record(kind.type_name(), body, key)
    except Invalid as invalid:
        return _page(request, ledger, kind, raw, errors=ledger_errors(invalid), key=key, status_code=422)
    except (RuleRefused, Forbidden) as refused:
        rule = refused.rule or ""
        return _page(request, ledger, kind, raw, key=key, status_code=refused.status,
                     refusal={"rule": rule, "message": rule_message(rule) if rule else _forbidden(refused),
                              "detail": refused.detail})
    query = {"entity_id": receipt["entity_id"], "position": receipt["position"]}
    query |= {k: body[k] for k in ("cluster_id", "year") if k in body}
    query |= {k: v for k, v in receipt.get("ids", {}).items() if k not in query}
    url = request.url_for("recorded", type_name=kind.type_name()).include_query_params(**query)
    return RedirectResponse(str(url.path) + "?" + str(url.query), status_code=303)


def _forbidden(refused: Exception) -> str:
    return "Tài khoản của bạn không có quyền ghi loại sự kiện này."


@router.get("/record/{type_name}/recorded", response_class=HTMLResponse, name="recorded")
def recorded(request: Request, type_name: str, _: LedgerDep) -> HTMLResponse:
    kind = _fact_type(type_name)
    query = dict(request.query_params)
    return render(request, "record/recorded.html", {"kind": kind, "receipt": query,
                                                    "prefill": {k: query[k] for k in ("cluster_id", "year")
                                                                if k in query}})
