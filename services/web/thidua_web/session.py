"""The session: who is signed in, with the token the ledger issued them, in one cookie.

The cookie is encrypted and signed (Fernet: AES-CBC with an HMAC), HttpOnly, SameSite=Lax,
Secure over TLS: the browser can neither read the token nor change it. Every session (also
before signing in) carries a random CSRF token that every POST must send back, as the form
field `csrf_token` or the `X-CSRF-Token` header (htmx)."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Annotated
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Depends, Request, Response

COOKIE = "thidua_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# A session never outlives the longest token the ledger gives a person (12 hours).
MAX_AGE_SECONDS = 12 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Session:
    csrf: str
    token: str | None = None
    name: str | None = None
    role: str | None = None
    expires_at: float = 0.0

    @property
    def signed_in(self) -> bool:
        return self.token is not None and time.time() < self.expires_at

    @staticmethod
    def anonymous() -> "Session":
        return Session(csrf=secrets.token_urlsafe(32))

    def signed_in_as(self, token: str, name: str, role: str, expires_in: int) -> "Session":
        # A new CSRF token at sign-in: one learnt before it is worth nothing after.
        return Session(csrf=secrets.token_urlsafe(32), token=token, name=name, role=role,
                       expires_at=time.time() + min(expires_in, MAX_AGE_SECONDS))


class SignInNeeded(Exception):
    """No session, or the ledger no longer accepts its token: back to the sign-in page."""

    def __init__(self, next_url: str | None = None) -> None:
        super().__init__(next_url)
        self.next_url = next_url  # None: the page that was asked for


class CsrfRefused(Exception):
    """A POST without this session's CSRF token."""


class SessionCodec:
    def __init__(self, secret: bytes) -> None:
        key = hashlib.sha256(b"thidua-web session cookie\0" + secret).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def dumps(self, session: Session) -> str:
        return self._fernet.encrypt(json.dumps(asdict(session)).encode()).decode()

    def loads(self, cookie: str) -> Session | None:
        try:
            data = json.loads(self._fernet.decrypt(cookie.encode(), ttl=MAX_AGE_SECONDS))
            return Session(**data)
        except (InvalidToken, ValueError, TypeError):
            return None  # altered, expired or from another key: start afresh


def current_session(request: Request) -> Session:
    """This request's session; a new anonymous one (set on the answer) when there is none."""
    session: Session | None = getattr(request.state, "session", None)
    if session is None:
        codec: SessionCodec = request.app.state.session_codec
        cookie = request.cookies.get(COOKIE)
        session = codec.loads(cookie) if cookie else None
        if session is None:
            session = Session.anonymous()
            request.state.session_changed = True
        request.state.session = session
    return session


def set_session(request: Request, session: Session) -> None:
    """Replace the session; the cookie is written on the answer (see write_cookie)."""
    request.state.session = session
    request.state.session_changed = True


def sign_out(request: Request) -> None:
    set_session(request, Session.anonymous())


def write_cookie(request: Request, response: Response, secure_cookies: bool) -> None:
    if not getattr(request.state, "session_changed", False):
        return
    codec: SessionCodec = request.app.state.session_codec
    response.set_cookie(COOKIE, codec.dumps(request.state.session), max_age=MAX_AGE_SECONDS, path="/",
                        httponly=True, samesite="lax", secure=secure_cookies or request.url.scheme == "https")


def signed_in(request: Request) -> Session:
    session = current_session(request)
    if not session.signed_in:
        raise SignInNeeded(asked_for(request))
    return session


async def check_csrf(request: Request) -> None:
    """Every request but a safe one sends this session's CSRF token back (a global dependency)."""
    if request.method in SAFE_METHODS:
        return
    session = current_session(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette keeps it: the route reads the same form again
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise CsrfRefused()


def asked_for(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def sign_in_url(next_url: str) -> str:
    return "/sign-in?next=" + quote(next_url, safe="/") if next_url and next_url != "/" else "/sign-in"


def safe_next(next_url: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another site."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return "/"
    return next_url


SessionDep = Annotated[Session, Depends(current_session)]
SignedIn = Annotated[Session, Depends(signed_in)]
