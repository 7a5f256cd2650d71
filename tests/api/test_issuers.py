"""Who may issue tokens: the ledger with its private key, or, by configuration, an external
OpenID Connect provider (its issuer URL and JWKS), with rotation by key id. A verifier only
ever holds public keys and accepts only asymmetric algorithms."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm
from thidua_documents.api.app import create_app as create_documents_app
from thidua_events.facts import Role
from thidua_events.tokens import PublicKeys, RevocationList, Revoked, SigningKey, Verifier, key_set, new_signing_key
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.documents.conftest import sqlite_settings as documents_settings
from tests.tokens import SIGNING_KEY, bearer, mint

SSO = "https://sso.bocongan.test/realms/thidua"


class ExternalIssuer:
    """A second issuer made by the test: an ES256 key and its JWKS, served over HTTP."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, Any]] = []
        self.rotate()
        jwks = self.jwks

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps(jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rotate(self) -> None:
        self.keys.append((f"sso-{len(self.keys) + 1}", ec.generate_private_key(ec.SECP256R1())))

    def jwks(self) -> dict[str, Any]:
        return key_set({**json.loads(ECAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "ES256"}
                       for kid, key in self.keys)

    def token(self, role: Role, name: str, audience: str) -> str:
        kid, key = self.keys[-1]
        now = int(time.time())
        claims = {"iss": SSO, "aud": audience, "sub": f"user-{uuid.uuid4()}", "name": name, "role": role.value,
                  "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


@pytest.fixture
def sso() -> Iterator[ExternalIssuer]:
    issuer = ExternalIssuer()
    yield issuer
    issuer.server.shutdown()
    issuer.server.server_close()


def test_an_external_openid_provider_replaces_the_ledger_as_issuer(tmp_path: Path, sso: ExternalIssuer) -> None:
    settings = Settings(sqlite_path=tmp_path / "ledger.sqlite", token_jwks=sso.url, token_issuer=SSO,
                        token_algorithms="ES256")  # and no signing key of its own
    with TestClient(create_app(settings)) as ledger:
        admin = {"Authorization": f"Bearer {sso.token(Role.ADMIN, 'Nguyễn Văn Quản trị', 'ledger')}"}
        recorded = ledger.post("/facts/AuthorityRegistered", headers=admin, json={
            "effective_date": "2015-01-01", "authority_id": str(uuid.uuid4()), "name": "Bộ Công an",
            "symbol": "BCA"})
        assert recorded.status_code == 201, recorded.text
        event = ledger.get("/log", headers=admin).json()["events"][0]
        assert event["provenance"]["actor"] == "Nguyễn Văn Quản trị"  # the provider's `name` claim
        refused = ledger.get("/log", headers=bearer(Role.ADMIN))  # the ledger's own kind of token
        assert refused.status_code == 401
        assert refused.json()["detail"] == "the token is not valid: algorithm 'EdDSA' is not accepted (only ES256)"
        assert ledger.get("/.well-known/jwks.json").json() == {"keys": []}  # it signs nothing

        # The provider rotates its key: the ledger reads its JWKS again for the new kid.
        sso.rotate()
        ledger.app.state.verifier.keys.refresh_every = 0  # type: ignore[attr-defined]  # not 30 s: a test
        rotated = {"Authorization": f"Bearer {sso.token(Role.AUDITOR, 'Lê Thị Thanh tra', 'ledger')}"}
        assert ledger.get("/log", headers=rotated).status_code == 200


def test_the_documents_service_trusts_the_external_provider_from_a_jwks_file(tmp_path: Path,
                                                                            sso: ExternalIssuer) -> None:
    jwks_file = tmp_path / "sso-jwks.json"
    jwks_file.write_text(json.dumps(sso.jwks()))
    settings = documents_settings(tmp_path).model_copy(update={
        "token_jwks": str(jwks_file), "token_issuer": SSO, "token_algorithms": "ES256"})
    revocations = RevocationList(Revoked)  # no ledger in this test: nothing is revoked
    with TestClient(create_documents_app(settings, follow=False, revocations=revocations)) as docs:
        clerk = {"Authorization": f"Bearer {sso.token(Role.CLERK, 'Trần Văn Thư ký', 'documents')}"}
        assert docs.get("/documents", headers=clerk).status_code == 200
        for_the_ledger = {"Authorization": f"Bearer {sso.token(Role.CLERK, 'Trần Văn Thư ký', 'ledger')}"}
        assert docs.get("/documents", headers=for_the_ledger).status_code == 401
        assert docs.get("/documents", headers=bearer(Role.CLERK)).status_code == 401


def test_a_retired_key_is_still_published_and_accepted_until_its_tokens_expire(tmp_path: Path) -> None:
    new_key_file = tmp_path / "new.key"
    new_key_file.write_bytes(new_signing_key())
    retired = tmp_path / "retired-jwks.json"
    retired.write_text(json.dumps(key_set([SIGNING_KEY.public_jwk])))
    settings = Settings(sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=new_key_file,
                        retired_jwks_file=retired)
    new_kid = SigningKey.from_file(new_key_file).kid
    with TestClient(create_app(settings)) as ledger:
        kids = [key["kid"] for key in ledger.get("/.well-known/jwks.json").json()["keys"]]
        assert kids == [new_kid, SIGNING_KEY.kid]
        assert ledger.get("/log", headers=bearer(Role.AUDITOR)).status_code == 200  # signed by the old key


def test_a_verifier_cannot_be_configured_to_accept_a_symmetric_or_no_signature() -> None:
    keys = PublicKeys.from_jwks(key_set([SIGNING_KEY.public_jwk]))
    for algorithms in (["HS256"], ["EdDSA", "none"], []):
        with pytest.raises(ValueError, match="refusing to verify"):
            Verifier(keys, "urn:thidua:ledger", "ledger", algorithms)


def test_a_private_or_secret_key_in_a_jwks_is_never_used_to_verify() -> None:
    private = {**SIGNING_KEY.public_jwk, "d": "c2VjcmV0", "kid": "leaked"}
    secret = {"kty": "oct", "k": "c2VjcmV0", "kid": "shared"}
    keys = PublicKeys.from_jwks({"keys": [private, secret, SIGNING_KEY.public_jwk]})
    assert keys.get("leaked") is None and keys.get("shared") is None
    assert keys.get(SIGNING_KEY.kid) is not None
    with pytest.raises(ValueError, match="public keys only"):
        key_set([private])


def test_a_persons_token_lasts_hours_and_the_signing_key_never_shows_in_its_repr() -> None:
    claims = jwt.decode(mint(Role.CLERK), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 12 * 3600
    assert set(claims) >= {"iss", "aud", "sub", "exp", "iat", "jti"}
    with pytest.raises(ValueError, match="at most"):
        mint(Role.CLERK, valid_for=timedelta(days=30))
    assert repr(SIGNING_KEY) == f"SigningKey(kid={SIGNING_KEY.kid!r})"
