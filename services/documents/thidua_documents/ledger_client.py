"""The ledger's HTTP API, for recording the conferral a new decree decides.

The documents service never imports ledger code: it posts the fact as any client would,
with the issuing clerk's own bearer token, so the ledger records the clerk as the actor
and checks the fact against its rules. A refusal is passed through as it came.
"""

from typing import Any

import httpx


class LedgerRefused(Exception):
    """The ledger answered 409 (a rule, named) or 422 (bad input): passed to the clerk as is."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(f"the ledger refused ({status_code}): {body}")
        self.status_code = status_code
        self.body = body


class LedgerUnavailable(Exception):
    """The ledger did not answer, or not as it should: 503, try again; nothing is accepted unchecked."""


class LedgerWriter:
    """`client` may be any httpx.Client (the ledger's TestClient in tests)."""

    def __init__(self, ledger_url: str = "", *, client: httpx.Client | None = None, timeout: float = 10.0) -> None:
        self.client = client or httpx.Client(base_url=ledger_url, timeout=timeout)

    def record(self, fact_type: str, body: dict[str, Any], token: str) -> int:
        """Record a fact as the token's holder; the ledger's log position of it."""
        try:
            response = self.client.post(f"/facts/{fact_type}", json=body,
                                        headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as error:
            raise LedgerUnavailable(f"the ledger did not answer: {error}") from None
        if response.status_code in (401, 403, 409, 422):
            raise LedgerRefused(response.status_code, response.json())
        if response.status_code != 201:
            raise LedgerUnavailable(f"the ledger answered {response.status_code}")
        return int(response.json()["position"])

    def check_may_issue(self, issuer_key: str, token: str) -> None:
        """Refuse (the ledger's 403, rule `write-within-granted-scope`, as it came) unless the
        token's holder may write for the issuing body: `authority:<id>`, `cluster:<id>` or
        `unit:<id>`, as the register keys it. Asked on every issue, so a revocation counts at once."""
        try:
            response = self.client.get("/access/me/can-write", params={"body": issuer_key},
                                       headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as error:
            raise LedgerUnavailable(f"the ledger did not answer: {error}") from None
        if response.status_code in (401, 403, 404, 422):
            raise LedgerRefused(response.status_code, response.json())
        if response.status_code != 200:
            raise LedgerUnavailable(f"the ledger answered {response.status_code}")

    def close(self) -> None:
        self.client.close()
