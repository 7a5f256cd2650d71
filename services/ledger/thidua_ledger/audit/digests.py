"""Signed digests of the chain head, for auditors to keep and bring back.

A digest names a log position and the chain's head there, signed with an Ed25519 private key
(`LEDGER_DIGEST_SIGNING_KEY_FILE`). Checking needs only the public key: the checker is given
a public key object and nothing else, so no code path that verifies can sign. An old digest
whose history still hashes to its head proves the log up to it was not rewritten, even by
someone who rewrote the chain table too (they cannot sign a new head)."""

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from thidua_ledger.audit.verify import Finding, Report, walk

FORMAT = "thidua-ledger-digest/ed25519/1"


class DigestRefused(ValueError):
    """The digest is malformed, or its signature is not the configured key's."""


class MissingKey(ValueError):
    """No digest key configured, or its file is not there (the message names the variable or path)."""


# Rule names, shared by the HTTP API and the CLI (a refusal names its rule either way).
NO_KEY = "digest-needs-a-configured-key"
INTACT_ONLY = "digest-of-an-intact-chain-only"
THIS_LEDGER = "digest-signed-by-this-ledger"


def _message(position: int, head: str, issued_at: str) -> bytes:
    return f"{FORMAT}|{position}|{head}|{issued_at}".encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise MissingKey(f"{path}: cannot read the digest key file ({error.strerror})") from None


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError):
        raise MissingKey(f"{path}: not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise MissingKey(f"{path}: the digest signing key must be an Ed25519 private key (PEM)")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path))
    except (ValueError, TypeError):
        raise MissingKey(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise MissingKey(f"{path}: the digest public key must be an Ed25519 public key (PEM)")
    return key


def signing_key(signing_file: Path | None) -> Ed25519PrivateKey:
    if signing_file is None:
        raise MissingKey("no digest signing key configured (LEDGER_DIGEST_SIGNING_KEY_FILE)")
    return load_private(signing_file)


def published_key(public_file: Path | None, signing_file: Path | None) -> Ed25519PublicKey:
    """The public key digests are checked with, as the ledger publishes it: its own file when
    given, else derived from the signing key, whose private half is then dropped (the checker
    is only ever handed this)."""
    if public_file is not None:
        return load_public(public_file)
    if signing_file is not None:
        return load_private(signing_file).public_key()
    raise MissingKey("no digest key configured (LEDGER_DIGEST_SIGNING_KEY_FILE or LEDGER_DIGEST_PUBLIC_KEY_FILE)")


def sign(recorder: Any, private: Ed25519PrivateKey) -> dict[str, Any]:
    """Sign the current head; refuses if the chain does not verify (a digest of a tampered
    history would vouch for it)."""
    report = walk(recorder)
    if not report.ok:
        raise DigestRefused(f"the chain does not verify: {report.finding}")
    issued_at = datetime.now(UTC).isoformat(timespec="seconds")
    signature = private.sign(_message(report.head_position, report.head, issued_at))
    return {"format": FORMAT, "position": report.head_position, "head": report.head, "issued_at": issued_at,
            "key_id": key_id(private.public_key()),
            "signature": base64.urlsafe_b64encode(signature).decode().rstrip("=")}


def check(recorder: Any, digest: Any, public: Ed25519PublicKey) -> Report:
    """Does the history up to the digest's position still hash to its signed head?"""
    if not isinstance(digest, dict) or digest.get("format") != FORMAT:
        raise DigestRefused(f"not a ledger digest (format {FORMAT} expected)")
    try:
        position, head, issued_at = int(digest["position"]), str(digest["head"]), str(digest["issued_at"])
        signature = base64.urlsafe_b64decode(str(digest["signature"]) + "==")
    except (KeyError, ValueError, TypeError):
        raise DigestRefused("the digest needs position, head, issued_at and signature") from None
    if digest.get("key_id") != key_id(public):
        raise DigestRefused("the digest was signed with another key than this ledger's digest key")
    try:
        public.verify(signature, _message(position, head, issued_at))
    except InvalidSignature:
        raise DigestRefused("the digest's signature is not valid: it was changed after signing") from None
    report = walk(recorder, stop=position)
    if report.ok and (report.head_position, report.head) != (position, head):
        finding = Finding("altered" if report.head_position == position else "deleted", report.head_position,
                          "the history up to the digest no longer hashes to the signed head")
        return Report(report.checked, report.head_position, report.head, finding)
    return report
