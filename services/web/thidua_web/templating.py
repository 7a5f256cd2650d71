"""One Jinja environment for every page, and `render`, which gives each template the session,
the clocks and the CSRF token. Pages write `{{ link('/path') }}` for a link that keeps the
clocks, and `{{ csrf_input() }}` inside every form that posts."""

import re
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from thidua_web.clocks import Clocks
from thidua_web.session import CSRF_FIELD, current_session

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)

ROLE_NAMES = {"clerk": "Thư ký", "auditor": "Thanh tra", "admin": "Quản trị", "subscriber": "Dịch vụ"}


def vn_date(value: object) -> str:
    """A date as Vietnamese write it (dd/mm/yyyy), or as precisely as its source states it
    (mm/yyyy, yyyy). Nothing for no date: a gap is never printed as a value."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text[:10]):
        return f"{match[3]}/{match[2]}/{match[1]}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return f"{match[2]}/{match[1]}"
    return text


def vn_number(value: object) -> str:
    """A decimal as Vietnamese write it: a comma before the fraction, no trailing zeros."""
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


templates.env.filters["vn_date"] = vn_date
templates.env.filters["vn_number"] = vn_number
templates.env.globals["ROLE_NAMES"] = ROLE_NAMES


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    session = current_session(request)
    clocks: Clocks = getattr(request.state, "clocks", None) or Clocks()

    def csrf_input() -> Markup:
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(session.csrf)}">')

    page = {"session": session, "clocks": clocks, "link": clocks.link, "csrf_input": csrf_input,
            "csrf_token": session.csrf, **(context or {})}
    return templates.TemplateResponse(request, name, page, status_code=status_code)
