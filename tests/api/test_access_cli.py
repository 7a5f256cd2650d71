"""The operator's side of access: `ledger keys`, `ledger token` and `ledger account`, run as
a command in a process of its own, against a ledger on SQLite."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import jwt
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.tokens import bearer


def ledger_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "thidua_ledger.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_operator_makes_a_key_issues_tokens_and_grants_a_scope(tmp_path: Path) -> None:
    key_file, db = tmp_path / "keys" / "signing.key", tmp_path / "ledger.sqlite"
    env = {"THIDUA_SIGNING_KEY_FILE": str(key_file), "LEDGER_SQLITE_PATH": str(db), "LEDGER_STORE": "sqlite"}
    made = ledger_command(env, "keys", "new", str(key_file))
    assert made.returncode == 0 and made.stdout.strip() == f"wrote {key_file}"  # the key is not printed
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert ledger_command(env, "keys", "new", str(key_file)).returncode != 0  # never overwritten
    jwks = json.loads(ledger_command(env, "keys", "jwks").stdout)
    assert [set(key) for key in jwks["keys"]] == [{"kty", "crv", "x", "kid", "alg", "use"}]

    token = ledger_command(env, "token", "--actor", "Trần Văn Thư ký", "--role", "clerk").stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == ["ledger", "documents"] and claims["exp"] - claims["iat"] == 12 * 3600
    too_long = ledger_command(env, "token", "--actor", "Trần Văn Thư ký", "--role", "clerk", "--hours", "48")
    assert too_long.returncode != 0 and "at most 12:00:00" in too_long.stderr

    settings = Settings(sqlite_path=db, signing_key_file=key_file)
    authority = str(uuid4())
    with TestClient(create_app(settings)) as ledger:
        admin = {"Authorization": "Bearer " + ledger_command(
            env, "token", "--actor", "Quản trị", "--role", "admin").stdout.strip()}
        assert ledger.post("/facts/AuthorityRegistered", headers=admin, json={
            "effective_date": "2015-01-01", "authority_id": authority, "name": "Công an thành phố Hà Nội",
            "symbol": "CATP"}).status_code == 201
        granted = ledger_command(env, "account", "grant", "Trần Văn Thư ký", "--authority", authority,
                                 "--since", "2019-01-01", "--by", "Nguyễn Văn Quản trị", "--reason", "Quyết định 12")
        assert granted.returncode == 0, granted.stderr
        clerk = {"Authorization": f"Bearer {token}"}
        unit = {"effective_date": "2019-02-01", "unit_id": str(uuid4()), "name": "Phòng Tham mưu",
                "authority_id": authority}
        assert ledger.post("/facts/UnitRegistered", headers=clerk, json=unit).status_code == 201
        revoked = ledger_command(env, "account", "revoke-token", claims["jti"], "--by", "Nguyễn Văn Quản trị")
        assert revoked.returncode == 0, revoked.stderr
        ledger.app.state.verifier.revocations.expire()  # type: ignore[attr-defined]  # recorded by another process
        assert ledger.get("/log", headers=clerk).status_code == 401
        events = ledger.get("/log", headers=bearer(Role.AUDITOR, key=settings.signing_key())).json()["events"]
        grant = next(e for e in events if e["type"] == "ScopeGranted")
        assert grant["provenance"] == {"actor": "Nguyễn Văn Quản trị", "role": "admin", "reason": "Quyết định 12",
                                       "source_ref": None}


def test_the_operator_adds_an_account_that_signs_in_until_disabled(tmp_path: Path) -> None:
    key_file, db, secret = tmp_path / "signing.key", tmp_path / "ledger.sqlite", tmp_path / "password"
    env = {"THIDUA_SIGNING_KEY_FILE": str(key_file), "LEDGER_SQLITE_PATH": str(db), "LEDGER_STORE": "sqlite"}
    assert ledger_command(env, "keys", "new", str(key_file)).returncode == 0
    secret.write_text("mật khẩu của thư ký\n", encoding="utf-8")
    added = ledger_command(env, "account", "add", "Trần Văn Thư ký", "--role", "clerk", "--password-file", str(secret))
    assert added.returncode == 0, added.stderr
    assert "mật khẩu" not in added.stdout + added.stderr
    again = ledger_command(env, "account", "add", "Trần Văn Thư ký", "--role", "auditor",
                           "--password-file", str(secret))
    assert again.returncode != 0 and "already has an account" in again.stderr
    prompted = subprocess.run([sys.executable, "-m", "thidua_ledger.cli", "account", "add", "Lê Thị Thanh tra",
                               "--role", "auditor"], env={**os.environ, **env}, input="bí mật\nbí mật\n",
                              capture_output=True, text=True, timeout=60, check=False)
    assert prompted.returncode == 0, prompted.stderr
    assert "bí mật" not in prompted.stdout + prompted.stderr  # the prompt does not echo it

    with TestClient(create_app(Settings(sqlite_path=db, signing_key_file=key_file))) as ledger:
        signed = ledger.post("/auth/token", json={"name": "Trần Văn Thư ký", "password": "mật khẩu của thư ký"})
        assert signed.status_code == 200
        assert ledger.post("/auth/token", json={"name": "Lê Thị Thanh tra", "password": "bí mật"}).json()[
            "audience"] == ["ledger", "documents"]
        disabled = ledger_command(env, "account", "disable", "Trần Văn Thư ký", "--by", "Nguyễn Văn Quản trị")
        assert disabled.returncode == 0, disabled.stderr
        refused = ledger.post("/auth/token", json={"name": "Trần Văn Thư ký", "password": "mật khẩu của thư ký"})
        assert refused.status_code == 401


def test_make_runs_demo_accounts_sign_in_with_the_passwords_it_printed(tmp_path: Path) -> None:
    key_file, db, folder = tmp_path / "signing.key", tmp_path / "ledger.sqlite", tmp_path / "demo-accounts"
    env = {"THIDUA_SIGNING_KEY_FILE": str(key_file), "LEDGER_SQLITE_PATH": str(db), "LEDGER_STORE": "sqlite"}
    assert ledger_command(env, "keys", "new", str(key_file)).returncode == 0
    clerk = "Thư ký Cụm thi đua"
    first = ledger_command(env, "load-demo", "--clerk", clerk, "--accounts", str(folder))
    assert first.returncode == 0, first.stderr
    printed = {line.split()[2]: line.split("password: ")[1] for line in first.stdout.splitlines()
               if line.startswith("demo account")}
    assert set(printed) == {"clerk", "auditor", "admin"}
    for role, password in printed.items():
        assert (folder / f"{role}.password").read_text(encoding="utf-8").strip() == password
        assert stat.S_IMODE((folder / f"{role}.password").stat().st_mode) == 0o600
    second = ledger_command(env, "load-demo", "--clerk", clerk, "--accounts", str(folder))
    assert second.stdout.count("password: ") == 3 and all(p in second.stdout for p in printed.values())  # kept
    with TestClient(create_app(Settings(sqlite_path=db, signing_key_file=key_file))) as ledger:
        names = {"clerk": clerk, "auditor": "Thanh tra viên", "admin": "Quản trị viên"}
        for role, password in printed.items():
            token = ledger.post("/auth/token", json={"name": names[role], "password": password}).json()
            assert jwt.decode(token["access_token"], options={"verify_signature": False})["role"] == role
