"""Signing in at POST /auth/token, on SQLite and PostgreSQL: a person's name and password for a
token from the ledger's own issuer; one 401 for every failure; too many failures are 429."""

import logging
import unicodedata

import jwt
import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Provenance, Role
from thidua_events.facts.access import AccountDisabled
from thidua_ledger.accounts import MAX_FAILURES, WINDOW_SECONDS, Accounts, SignInRefused, TooManyFailures
from thidua_ledger.migrations.database import open_database
from thidua_ledger.settings import Settings

from tests.api.conftest import CLERK_ACCOUNT

PASSWORD = "mật khẩu-đúng 2019"
REFUSED = {"detail": SignInRefused.MESSAGE}


@pytest.fixture
def accounts(client: TestClient) -> Accounts:
    accounts = Accounts(client.app.state.ledger.recorder)  # type: ignore[attr-defined]
    accounts.add(CLERK_ACCOUNT, Role.CLERK, PASSWORD)
    return accounts


def sign_in(client: TestClient, name: str = CLERK_ACCOUNT, password: str = PASSWORD, **body: object):  # type: ignore[no-untyped-def]
    return client.post("/auth/token", json={"name": name, "password": password, **body})


def test_a_person_signs_in_for_a_token_the_ledger_accepts(client: TestClient, accounts: Accounts) -> None:
    response = sign_in(client)
    assert response.status_code == 200, response.text
    answer = response.json()
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["role"], claims["aud"]) == (CLERK_ACCOUNT, "clerk", ["ledger", "documents"])
    assert answer["expires_in"] == claims["exp"] - claims["iat"] == 12 * 3600  # a person's, like `ledger token`
    assert client.get("/log", headers={"Authorization": f"Bearer {answer['access_token']}"}).status_code == 200


def test_the_audience_is_chosen_by_a_parameter(client: TestClient, accounts: Accounts) -> None:
    token = sign_in(client, audience=["documents"]).json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == ["documents"]
    # the near miss: a documents-only token is no good on the ledger
    assert client.get("/log", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert sign_in(client, audience=["auditor"]).status_code == 422


def test_the_name_is_read_in_nfc(client: TestClient, accounts: Accounts) -> None:
    assert sign_in(client, name=" " + unicodedata.normalize("NFD", CLERK_ACCOUNT)).status_code == 200


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client: TestClient, accounts: Accounts) -> None:
    wrong = sign_in(client, password=PASSWORD + " ")
    unknown = sign_in(client, name="Người Không Có")
    near = sign_in(client, name=CLERK_ACCOUNT.upper())  # another spelling of the name is another name
    for response in (wrong, unknown, near):
        assert response.status_code == 401
        assert response.json() == REFUSED
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_disabled_account_cannot_sign_in(client: TestClient, accounts: Accounts) -> None:
    ledger = client.app.state.ledger  # type: ignore[attr-defined]
    ledger.record(AccountDisabled(effective_date="2020-01-01", account=CLERK_ACCOUNT),
                  Provenance(actor="Quản trị viên", role=Role.ADMIN))
    response = sign_in(client)
    assert (response.status_code, response.json()) == (401, REFUSED)  # as a wrong password: nothing confirmed


def test_failed_sign_ins_are_limited_per_client_address(client: TestClient, accounts: Accounts) -> None:
    for attempt in range(MAX_FAILURES):
        assert sign_in(client, name=f"Người đoán {attempt}").status_code == 401
    response = sign_in(client)  # the right password, but from an address that kept guessing
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= WINDOW_SECONDS
    other = TestClient(client.app, client=("203.0.113.7", 50000))  # type: ignore[arg-type]
    assert sign_in(other).status_code == 200  # the near miss: another address is not held back


def guess_until_held_back(client: TestClient, **headers: str) -> None:
    for attempt in range(MAX_FAILURES):
        response = client.post("/auth/token", json={"name": f"Người đoán {attempt}", "password": "x"}, headers=headers)
        assert response.status_code == 401


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(
        client: TestClient, accounts: Accounts, ledger_settings: Settings) -> None:
    ledger_settings.trusted_proxies = "127.0.0.1, testclient"  # the web workplace's address
    guess_until_held_back(client, **{"X-Forwarded-For": "198.51.100.9"})
    assert client.post("/auth/token", json={"name": CLERK_ACCOUNT, "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 429
    # The near miss: another browser behind the same proxy signs in; the proxy itself is not held back.
    assert client.post("/auth/token", json={"name": CLERK_ACCOUNT, "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.10"}).status_code == 200
    # A hop the browser wrote itself, before the proxy's, is not believed.
    assert client.post("/auth/token", json={"name": CLERK_ACCOUNT, "password": PASSWORD},
                       headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.9"}).status_code == 429


def test_a_client_that_is_not_a_trusted_proxy_cannot_spoof_its_address(
        client: TestClient, accounts: Accounts, ledger_settings: Settings) -> None:
    ledger_settings.trusted_proxies = "127.0.0.1"  # the test client ("testclient") is not one
    guess_until_held_back(client, **{"X-Forwarded-For": "198.51.100.1"})
    # It guessed under its own address whatever it forwarded: a new X-Forwarded-For does not free it.
    assert client.post("/auth/token", json={"name": CLERK_ACCOUNT, "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client: TestClient, accounts: Accounts) -> None:
    guess_until_held_back(client, **{"X-Forwarded-For": "198.51.100.1"})
    assert sign_in(client).status_code == 429


def test_failed_sign_ins_are_limited_per_account_across_addresses(client: TestClient, accounts: Accounts) -> None:
    for attempt in range(MAX_FAILURES):
        guesser = TestClient(client.app, client=(f"198.51.100.{attempt}", 50000))  # type: ignore[arg-type]
        assert sign_in(guesser, password=f"đoán {attempt}").status_code == 401
    assert sign_in(client).status_code == 429
    assert sign_in(client, name="Người khác").status_code == 401  # other accounts still answer


def test_the_limit_is_kept_in_the_database_and_lifts_after_the_window(client: TestClient,
                                                                       accounts: Accounts) -> None:
    now = [1_000_000.0]
    first, second = (Accounts(accounts.recorder, clock=lambda: now[0]) for _ in range(2))  # two processes
    for attempt in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            (first, second)[attempt % 2].sign_in(CLERK_ACCOUNT, "sai", "192.0.2.1", lambda name: False)
    now[0] += 60
    with pytest.raises(TooManyFailures) as held:
        second.sign_in(CLERK_ACCOUNT, PASSWORD, "192.0.2.2", lambda name: False)
    assert held.value.retry_after == WINDOW_SECONDS - 60
    now[0] += WINDOW_SECONDS - 60
    assert first.sign_in(CLERK_ACCOUNT, PASSWORD, "192.0.2.2", lambda name: False).role == Role.CLERK


def test_the_password_is_hashed_with_argon2id_and_never_kept_or_logged_in_clear(
        client: TestClient, accounts: Accounts, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad_body = client.post("/auth/token", json={"password": PASSWORD})  # 422 must not echo the body
    assert bad_body.status_code == 422 and bad_body.json()["detail"][0]["loc"] == ["body", "name"]
    assert sign_in(client).status_code == 200 and sign_in(client, password=PASSWORD + "x").status_code == 401
    with open_database(accounts.recorder) as db:
        stored = db.query("SELECT * FROM {table:accounts}") + db.query("SELECT * FROM {table:sign_in_failures}")
        hashed = db.query("SELECT password_hash FROM {table:accounts}")[0][0]
        log = db.query("SELECT state FROM {events}")
    assert hashed.startswith("$argon2id$")
    kept = repr(stored) + repr(log) + caplog.text + bad_body.text
    assert PASSWORD not in kept and PASSWORD.encode() not in b"".join(bytes(row[0]) for row in log)


def test_an_account_is_for_a_person_with_a_password(accounts: Accounts) -> None:
    with pytest.raises(ValueError, match="already has an account"):
        accounts.add(unicodedata.normalize("NFD", CLERK_ACCOUNT), Role.AUDITOR, "khác")
    with pytest.raises(ValueError, match="for a person"):
        accounts.add("Dịch vụ văn bản", Role.SUBSCRIBER, "x")
    with pytest.raises(ValueError, match="empty"):
        accounts.add("Người mới", Role.CLERK, "")
