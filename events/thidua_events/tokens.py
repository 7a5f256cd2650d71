"""Bearer tokens: a signed claim of who the caller is and in which role.

The ledger issues them (`ledger token`); every thidua service verifies them with the same
key, THIDUA_TOKEN_KEY. The claims are a contract between the issuer and the verifiers, so
writing and reading them live here, together. Needs the `tokens` extra (PyJWT).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from thidua_events.facts import Role
from thidua_events.text import clean_text

ALGORITHM = "HS256"
WRITERS = frozenset({Role.CLERK, Role.ADMIN})


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    actor: str
    role: Role

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS


def issue_token(key: str, actor: str, role: Role, valid_for: timedelta = timedelta(days=30)) -> str:
    now = datetime.now(UTC)
    claims = {"sub": clean_text(actor), "role": role.value, "iat": now, "exp": now + valid_for}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_token(key: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return Principal(actor=claims["sub"], role=Role(claims["role"]))
    except jwt.ExpiredSignatureError:
        raise InvalidToken("the token has expired; ask for a new one") from None
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise InvalidToken("the token is not valid: signed with another key, or malformed") from None


def read_bearer(key: str, token: str | None) -> Principal:
    """The caller behind the token of an `Authorization: Bearer` header, which may be absent."""
    if token is None:
        raise InvalidToken("missing bearer token: send 'Authorization: Bearer <token>'")
    return read_token(key, token)
