"""Signing in and out. The ledger is the one issuer: the name and password go to its
POST /auth/token, with the browser's address (X-Forwarded-For) for its rate limit of failed
sign-ins; the token it gives is kept in the encrypted session cookie, never shown to the page."""

import base64
import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from thidua_web.clients import Invalid, LedgerClient, TooManyAttempts
from thidua_web.deps import browser_address
from thidua_web.session import SessionDep, SignInNeeded, safe_next, set_session, sign_out
from thidua_web.templating import render

router = APIRouter()


def _claim(token: str, name: str) -> str | None:
    """A claim of the ledger's token, read for display only: the services verify it, not us."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    value = claims.get(name)
    return str(value) if value is not None else None


@router.get("/")
def home(session: SessionDep) -> Response:
    return RedirectResponse("/search" if session.signed_in else "/sign-in", status_code=303)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "signin/sign_in.html", {"next": safe_next(next), "name": ""})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, session: SessionDep, name: Annotated[str, Form(max_length=200)] = "",
            password: Annotated[str, Form(max_length=1024)] = "", next: Annotated[str, Form()] = "/") -> Response:
    ledger = LedgerClient(request.app.state.ledger_http, None, forwarded_for=browser_address(request))
    problem = None
    try:
        answer = ledger.post("/auth/token", {"name": name, "password": password})
    except SignInNeeded:
        problem, status_code = "Tên đăng nhập hoặc mật khẩu không đúng.", 401
    except TooManyAttempts as error:
        wait = f" sau {error.retry_after} giây" if error.retry_after else " sau ít phút"
        problem, status_code = f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại{wait}.", 429
    except Invalid:
        problem, status_code = "Hãy nhập tên đăng nhập và mật khẩu.", 422
    if problem is not None:
        return render(request, "signin/sign_in.html", {"next": safe_next(next), "name": name, "problem": problem},
                      status_code=status_code)
    token = answer["access_token"]
    set_session(request, session.signed_in_as(token, _claim(token, "name") or name,
                                              _claim(token, "role") or "", int(answer["expires_in"])))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/sign-out")
def sign_out_now(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/sign-in", status_code=303)
