"""Accounts, for an admin (`/admin/accounts`): the list with each account's role, grants and state;
add an account; grant or revoke an authority or a cluster; disable an account. Every change is
the ledger's `/accounts` API called as the admin, so the ledger records the admin as provenance
and refuses anyone else (the page refuses them first, in Vietnamese).

A refusal re-shows the page with the clerk's input kept (never the password): a 422 next to the
field it names, a 409 at the top with its rule in Vietnamese."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from thidua_web.clients import Forbidden, Invalid, LedgerClient, RuleRefused
from thidua_web.deps import LedgerDep
from thidua_web.session import SignedIn
from thidua_web.templating import render

router = APIRouter(prefix="/admin/accounts")
ROLES = {"clerk": "Thư ký", "auditor": "Thanh tra", "admin": "Quản trị"}
# The ledger's rules this page can meet, in Vietnamese (to move into the contract's rule table).
RULES_VI = {
    "account-name-unique": "Tên đăng nhập này đã có tài khoản.",
    "account-must-exist": "Chưa có tài khoản với tên này.",
    "grant-once": "Tài khoản đã được giao phạm vi này.",
    "revoke-a-held-grant": "Tài khoản không giữ phạm vi này nên không thể thu hồi.",
    "revoke-after-grant": "Ngày thu hồi không được trước ngày giao.",
    "disable-once": "Tài khoản này đã bị khóa.",
    "effective-date-not-in-future": "Ngày hiệu lực không được sau hôm nay.",
}
DONE = {"added": "Đã tạo tài khoản.", "granted": "Đã giao phạm vi.", "revoked": "Đã thu hồi phạm vi.",
        "disabled": "Đã khóa tài khoản."}
Text = Annotated[str, Form()]


class NotAdmin(Forbidden):
    """Anyone but an admin, before the page asks the ledger anything."""


def _admin_only(session: Any) -> None:
    if session.role != "admin":
        raise NotAdmin("Chỉ quản trị viên được quản lý tài khoản.", {"rule": "manage-accounts-needs-admin"})


def _page(request: Request, ledger: LedgerClient, status_code: int = 200, **context: Any) -> HTMLResponse:
    authorities = ledger.search("authorities", limit=500)
    clusters = ledger.search("clusters", limit=500)
    names = {entry["id"]: entry["name"] for entry in (*authorities, *clusters)}
    done = request.query_params.get("done", "")
    return render(request, "accounts/accounts.html", {
        "accounts": ledger.read("/accounts"), "authorities": authorities, "clusters": clusters, "names": names,
        "roles": ROLES, "done": DONE.get(done), "form": {}, "errors": {}, "refusal": None, **context,
    }, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def accounts(request: Request, session: SignedIn, ledger: LedgerDep) -> HTMLResponse:
    _admin_only(session)
    return _page(request, ledger)


def _send(request: Request, ledger: LedgerClient, form_name: str, form: dict[str, str], path: str,
          body: dict[str, Any], done: str) -> Response:
    """POST to the ledger; back to the list on success, else the page with the refusal and the input."""
    try:
        ledger.post(path, body)
    except RuleRefused as refused:
        refusal = {"rule": refused.rule, "message": RULES_VI.get(refused.rule, "Sổ cái từ chối thay đổi này."),
                   "detail": refused.detail}
        return _page(request, ledger, 409, form_name=form_name, form=form, refusal=refusal)
    except Invalid as invalid:
        return _page(request, ledger, 422, form_name=form_name, form=form, errors=invalid.fields)
    return RedirectResponse(f"/admin/accounts?done={done}", status_code=303)


def _day(text: str) -> str | None:
    """dd/mm/yyyy as the ledger's ISO date; None for an empty field (the ledger's default: today)."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        return date(int(match[3]), int(match[2]), int(match[1])).isoformat() if match else "invalid"
    except ValueError:
        return "invalid"


def _scope_change(form: dict[str, str]) -> dict[str, Any]:
    kind, _, scope_id = form["scope"].partition(":")
    body: dict[str, Any] = {"account": form["account"], "reason": form["reason"].strip() or None}
    if kind in ("authority", "cluster"):
        body[f"{kind}_id"] = scope_id
    if (day := _day(form["since"])) is not None:
        body["effective_date"] = day
    return body


@router.post("", response_class=HTMLResponse)
def add(request: Request, session: SignedIn, ledger: LedgerDep, name: Text = "", role: Text = "",
        password: Text = "") -> Response:
    _admin_only(session)
    return _send(request, ledger, "add", {"name": name, "role": role}, "/accounts",
                 {"name": name, "role": role, "password": password}, "added")


@router.post("/grants", response_class=HTMLResponse)
def grant(request: Request, session: SignedIn, ledger: LedgerDep, account: Text = "", scope: Text = "",
          since: Text = "", reason: Text = "") -> Response:
    _admin_only(session)
    form = {"account": account, "scope": scope, "since": since, "reason": reason}
    return _send(request, ledger, "grant", form, "/accounts/grants", _scope_change(form), "granted")


@router.post("/revocations", response_class=HTMLResponse)
def revoke(request: Request, session: SignedIn, ledger: LedgerDep, account: Text = "", scope: Text = "",
           since: Text = "", reason: Text = "") -> Response:
    _admin_only(session)
    form = {"account": account, "scope": scope, "since": since, "reason": reason}
    return _send(request, ledger, "revoke", form, "/accounts/revocations", _scope_change(form), "revoked")


@router.post("/disabled", response_class=HTMLResponse)
def disable(request: Request, session: SignedIn, ledger: LedgerDep, account: Text = "",
            reason: Text = "") -> Response:
    _admin_only(session)
    form = {"account": account, "reason": reason}
    return _send(request, ledger, "disable", form, "/accounts/disabled",
                 {"account": account, "reason": reason.strip() or None}, "disabled")
