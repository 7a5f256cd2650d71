"""Accounts people sign in with: a name, a role and an argon2id password hash, in the ledger's
`accounts` table (migration 6), never in the log. Failed sign-ins are counted in the database,
per account and per client address, so every ledger process shares one rate limit.

Whether an account may act is still the access register's: a disabled account (a fact) is
refused here exactly like a wrong password, and its tokens everywhere else.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from thidua_events.facts import Role
from thidua_events.text import clean_text

from thidua_ledger.migrations.database import open_database

PEOPLE = (Role.CLERK, Role.AUDITOR, Role.ADMIN)  # services get tokens from `ledger token`, not a password
MAX_FAILURES = 5
WINDOW_SECONDS = 300

_passwords = PasswordHasher()  # argon2id, RFC 9106's low-memory profile
# Verified when the name is unknown, so an unknown name costs what a wrong password costs.
_DUMMY_HASH = _passwords.hash("không phải mật khẩu của ai")


class AccountExists(ValueError):
    pass


class SignInRefused(Exception):
    """Wrong name, wrong password or a disabled account: one answer for all three."""

    MESSAGE = "tên đăng nhập hoặc mật khẩu không đúng"


class TooManyFailures(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"quá nhiều lần đăng nhập sai; thử lại sau {retry_after} giây")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    created_at: str | None = None


class Accounts:
    def __init__(self, recorder: Any, clock: Callable[[], float] = time.time) -> None:
        self.recorder = recorder
        self.clock = clock

    def add(self, name: str, role: Role, password: str) -> Account:
        if role not in PEOPLE:
            raise ValueError(f"an account is for a person: role {', '.join(PEOPLE)}")
        if not password:
            raise ValueError("the password is empty")
        account = Account(clean_text(name), role)
        hashed = _passwords.hash(password)
        with open_database(self.recorder) as db:
            if db.query("SELECT 1 FROM {table:accounts} WHERE name = ?", (account.name,)):
                raise AccountExists(f"'{account.name}' already has an account")
            db.execute("INSERT INTO {table:accounts} (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                       (account.name, role.value, hashed, datetime.now(UTC).isoformat()))
        return account

    def all(self) -> list[Account]:
        """Every account, by name (the caller sorts them for people)."""
        with open_database(self.recorder) as db:
            rows = db.query("SELECT name, role, created_at FROM {table:accounts} ORDER BY name")
        return [Account(str(name), Role(str(role)), str(created)) for name, role, created in rows]

    def find(self, name: str) -> Account | None:
        with open_database(self.recorder) as db:
            rows = db.query("SELECT name, role FROM {table:accounts} WHERE name = ?", (clean_text(name),))
        return Account(rows[0][0], Role(rows[0][1])) if rows else None

    def sign_in(self, name: str, password: str, client: str, disabled: Callable[[str], bool]) -> Account:
        """The account, if the password is its own and it is not disabled; else SignInRefused,
        or TooManyFailures once the account or the client address failed MAX_FAILURES times
        within WINDOW_SECONDS (checked before the password, so guessing stops there)."""
        name = clean_text(name)
        subjects = (f"account:{name}", f"client:{client}")
        now = self.clock()
        with open_database(self.recorder) as db:
            self._check_not_throttled(db, subjects, now)
            rows = db.query("SELECT role, password_hash FROM {table:accounts} WHERE name = ?", (name,))
        role, hashed = rows[0] if rows else (None, _DUMMY_HASH)
        matches = _verify(str(hashed), password)
        if rows and matches and not disabled(name):
            with open_database(self.recorder) as db:
                db.execute("DELETE FROM {table:sign_in_failures} WHERE subject = ?", (subjects[0],))
            return Account(name, Role(str(role)))
        with open_database(self.recorder) as db:
            db.execute("DELETE FROM {table:sign_in_failures} WHERE failed_at <= ?", (now - WINDOW_SECONDS,))
            db.executemany("INSERT INTO {table:sign_in_failures} (subject, failed_at) VALUES (?, ?)",
                           [(subject, now) for subject in subjects])
        raise SignInRefused(SignInRefused.MESSAGE)

    def _check_not_throttled(self, db: Any, subjects: tuple[str, ...], now: float) -> None:
        for subject in subjects:
            rows = db.query("SELECT COUNT(*), MIN(failed_at) FROM {table:sign_in_failures} "
                            "WHERE subject = ? AND failed_at > ?", (subject, now - WINDOW_SECONDS))
            count, oldest = rows[0]
            if int(count) >= MAX_FAILURES:
                raise TooManyFailures(max(1, math.ceil(float(oldest) + WINDOW_SECONDS - now)))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _passwords.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
