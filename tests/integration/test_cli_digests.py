"""`ledger digest` and `ledger check-digest` (issue 16): the same Ed25519 digests as the HTTP
API, checked with the public key only, so a digest from either checks with the other; refusals
name their rule. Real SQLite files, the CLI run as a subprocess."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from thidua_events.tokens import new_signing_key
from thidua_ledger.api.app import create_app
from thidua_ledger.application import open_ledger
from thidua_ledger.audit import digests
from thidua_ledger.settings import Settings

from tests.api.conftest import AUDITOR
from tests.factories import cluster_with_members
from tests.integration.test_cli_files import ledger_cli
from tests.intruder import tamper
from tests.tokens import SIGNING_KEY_FILE


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A digest signing key and, in a file of its own, its public half (what an auditor is given)."""
    home = tmp_path_factory.mktemp("digest-keys")
    private, public = home / "digest.key", home / "digest.pub"
    private.write_bytes(new_signing_key())
    public.write_text(digests.public_pem(digests.load_private(private).public_key()))
    return private, public


@pytest.fixture
def api(tmp_path: Path, keys: tuple[Path, Path]) -> Iterator[tuple[Settings, TestClient]]:
    """The ledger's HTTP API on a SQLite file the CLI then reads."""
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite", signing_key_file=SIGNING_KEY_FILE,
                        digest_signing_key_file=keys[0])
    ledger = open_ledger(settings)
    cluster_with_members(ledger, members=2)
    ledger.close()
    with TestClient(create_app(settings)) as client:
        yield settings, client


def test_a_digest_from_the_api_checks_with_the_cli_and_the_clis_with_the_api(
        api: tuple[Settings, TestClient], keys: tuple[Path, Path], tmp_path: Path) -> None:
    settings, client = api
    path = settings.sqlite_path
    from_api = tmp_path / "from-api.json"
    from_api.write_text(json.dumps(client.get("/audit/digest", headers=AUDITOR).json()))
    checked = ledger_cli(path, "check-digest", str(from_api), "--public-key", str(keys[1]), "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["ok"] is True

    signed = ledger_cli(path, "digest", LEDGER_DIGEST_SIGNING_KEY_FILE=str(keys[0]))
    assert signed.returncode == 0, signed.stderr
    from_cli = json.loads(signed.stdout)
    assert from_cli["format"] == digests.FORMAT
    answer = client.post("/audit/digest/check", json=from_cli, headers=AUDITOR)
    assert answer.status_code == 200 and answer.json()["ok"] is True

    # The ledger's published key (its public key file) serves when --public-key is not given.
    published = ledger_cli(path, "check-digest", str(from_api), LEDGER_DIGEST_PUBLIC_KEY_FILE=str(keys[1]))
    assert published.returncode == 0 and "history unchanged" in published.stderr
    # Near miss: the signing key alone is not a checker's key; the CLI refuses rather than derive one.
    private_only = ledger_cli(path, "check-digest", str(from_api), LEDGER_DIGEST_SIGNING_KEY_FILE=str(keys[0]))
    assert private_only.returncode == 2 and "digest-needs-a-configured-key" in private_only.stderr

    tamper(settings, "UPDATE {events} SET state = ? WHERE {pos} = 3", (b'{"forged":true}',))
    rewritten = ledger_cli(path, "check-digest", str(from_api), "--public-key", str(keys[1]), "--json")
    assert rewritten.returncode == 1
    assert json.loads(rewritten.stdout)["finding"]["position"] == 3


def test_the_checker_cannot_sign_and_a_changed_digest_is_refused_naming_the_rule(
        api: tuple[Settings, TestClient], keys: tuple[Path, Path], tmp_path: Path) -> None:
    settings, client = api
    path = settings.sqlite_path
    # Given only the public key, as an auditor is, `ledger digest` has nothing to sign with.
    unsigned = ledger_cli(path, "digest", LEDGER_DIGEST_PUBLIC_KEY_FILE=str(keys[1]))
    assert unsigned.returncode == 2 and digests.NO_KEY in unsigned.stderr
    assert "LEDGER_DIGEST_SIGNING_KEY_FILE" in unsigned.stderr and unsigned.stdout == ""

    digest = client.get("/audit/digest", headers=AUDITOR).json()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**digest, "position": digest["position"] - 1}))  # the near miss: one off
    refused = ledger_cli(path, "check-digest", str(forged), "--public-key", str(keys[1]))
    assert refused.returncode == 2 and digests.THIS_LEDGER in refused.stderr and "signature" in refused.stderr

    other = tmp_path / "other.pub"
    other.write_text(digests.public_pem(digests.load_private(SIGNING_KEY_FILE).public_key()))
    honest = tmp_path / "honest.json"
    honest.write_text(json.dumps(digest))
    wrong_key = ledger_cli(path, "check-digest", str(honest), "--public-key", str(other))
    assert wrong_key.returncode == 2 and digests.THIS_LEDGER in wrong_key.stderr and "another key" in wrong_key.stderr

    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert digests.THIS_LEDGER in ledger_cli(path, "check-digest", str(garbage), "--public-key",
                                             str(keys[1])).stderr


@pytest.mark.parametrize("command", ["digest", "check-digest"])
def test_a_missing_key_file_exits_2_naming_its_path(api: tuple[Settings, TestClient], tmp_path: Path,
                                                    command: str) -> None:
    settings, client = api
    missing = tmp_path / "typo" / "digest.key"
    digest = tmp_path / "digest.json"
    digest.write_text(json.dumps(client.get("/audit/digest", headers=AUDITOR).json()))
    args = ["digest"] if command == "digest" else ["check-digest", str(digest), "--public-key", str(missing)]
    answer = ledger_cli(settings.sqlite_path, *args, LEDGER_DIGEST_SIGNING_KEY_FILE=str(missing))
    assert answer.returncode == 2
    assert str(missing) in " ".join(answer.stderr.split()) and digests.NO_KEY in answer.stderr
