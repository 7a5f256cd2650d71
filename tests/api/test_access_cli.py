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
