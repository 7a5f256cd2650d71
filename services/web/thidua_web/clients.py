"""The ledger and the documents service, called as the signed-in person (their bearer token),
with the page's two clocks on every read.

Every answer becomes a value or one of the typed refusals below, which the pages show (see
errors.py): a 401 sends the person back to sign in, 503 and the unreachable become a "busy"
page, and no answer of a backend ever turns into a 500 of ours."""

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from thidua_web.between_vi import between_fields_message
from thidua_web.clocks import Clocks
from thidua_web.session import SignInNeeded

Json = Any


# The backends' calls of one page run side by side: a page then costs its slowest call, not their sum.
# httpx's Client is safe to share between threads; its pool keeps the connections.
_calls = ThreadPoolExecutor(max_workers=16, thread_name_prefix="backend-call")


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's answer, in order, the calls made at once; the first refusal raised is raised
    (after every call has ended, so none outlives the page)."""
    futures = [_calls.submit(call) for call in calls]
    errors = [future.exception() for future in futures]
    for error in errors:
        if error is not None:
            raise error
    return [future.result() for future in futures]


class BackendRefused(Exception):
    """A refusal the page shows. `status` is the backend's, `detail` its words."""

    status = 400

    def __init__(self, detail: str, body: Json = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.body = body


class Forbidden(BackendRefused):
    """403: the role may not, or the fact lies outside the person's granted scope (`rule`)."""

    status = 403

    @property
    def rule(self) -> str | None:
        return self.body.get("rule") if isinstance(self.body, dict) else None


class NotFound(BackendRefused):
    status = 404


class RuleRefused(BackendRefused):
    """409: a rule of the ledger refused; `rule` is its name."""

    status = 409

    @property
    def rule(self) -> str:
        return str(self.body.get("rule", "")) if isinstance(self.body, dict) else ""


class Invalid(BackendRefused):
    """422: the input is not valid; `fields` maps each field's location (dotted, without
    "body"/"query") to its messages."""

    status = 422

    @property
    def fields(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        errors = self.body.get("detail") if isinstance(self.body, dict) else None
        for error in errors if isinstance(errors, list) else []:
            loc = [str(part) for part in error.get("loc", [])]
            if loc and loc[0] in ("body", "query", "path"):
                loc = loc[1:]
            context = error.get("ctx") or {}
            said = between_fields_message(str(context["code"]), context.get("params")) if context.get("code") else None
            found.setdefault(".".join(loc), []).append(said or str(error.get("msg", "")))
        return found


class TooManyAttempts(BackendRefused):
    status = 429

    def __init__(self, detail: str, body: Json = None, retry_after: int | None = None) -> None:
        super().__init__(detail, body)
        self.retry_after = retry_after


class ServiceBusy(Exception):
    """The backend cannot answer now (503, 507, a timeout, no connection, an unexpected answer)."""

    def __init__(self, service: str, why: str, retry_after: int | None = None) -> None:
        super().__init__(f"{service}: {why}")
        self.service = service
        self.retry_after = retry_after


def _refusal(service: str, response: httpx.Response) -> Exception:
    try:
        body: Json = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    text = detail if isinstance(detail, str) else response.reason_phrase
    code = response.status_code
    if code == 401:
        return SignInNeeded()
    if code == 403:
        return Forbidden(text, body)
    if code == 404:
        return NotFound(text, body)
    if code == 409:
        return RuleRefused(text, body)
    if code == 422:
        return Invalid(text, body)
    if code == 429:
        retry = response.headers.get("Retry-After", "")
        return TooManyAttempts(text, body, int(retry) if retry.isdigit() else None)
    if 400 <= code < 500:
        refused = BackendRefused(text, body)
        refused.status = code
        return refused
    retry = response.headers.get("Retry-After", "")
    return ServiceBusy(service, f"{code} {text}", int(retry) if retry.isdigit() else None)


class ServiceClient:
    """One backend, as one person. `http` is the app's shared connection pool."""

    service = "service"

    def __init__(self, http: httpx.Client, token: str | None, clocks: Clocks | None = None,
                 forwarded_for: str | None = None) -> None:
        self._http = http
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        if forwarded_for:
            self._headers["X-Forwarded-For"] = forwarded_for
        self.clocks = clocks or Clocks()

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Json = None, headers: Mapping[str, str] | None = None,
                timeout: float | None = None) -> httpx.Response:
        """The raw answer of a call that succeeded (2xx); every other answer raises. `timeout`
        replaces the pool's for a call known to be slow (a PDF through LibreOffice)."""
        try:
            response = self._http.request(method, path, params=params, json=json,
                                          headers={**self._headers, **(headers or {})},
                                          timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
        except httpx.TimeoutException:
            raise ServiceBusy(self.service, "no answer in time") from None
        except httpx.TransportError as error:
            raise ServiceBusy(self.service, f"unreachable ({type(error).__name__})") from None
        if response.is_success:
            return response
        raise _refusal(self.service, response)

    def read(self, path: str, **params: Any) -> Json:
        """GET under the page's clocks; None-valued params are left out."""
        query = {k: v for k, v in params.items() if v is not None} | self.clocks.params()
        return self._json(self.request("GET", path, params=query))

    def post(self, path: str, body: Json = None, headers: Mapping[str, str] | None = None) -> Json:
        return self._json(self.request("POST", path, json=body, headers=headers))

    def _json(self, response: httpx.Response) -> Json:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ServiceBusy(self.service, "an answer that is not JSON") from None


class LedgerClient(ServiceClient):
    service = "ledger"

    def search(self, kind: str, q: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Catalogue entries of one kind (authorities, clusters, units, people, award-kinds, decrees)."""
        page = self.read(f"/catalogue/{kind}", q=q, **filters)
        entries: list[dict[str, Any]] = page["entries"]
        return entries

    def cluster_year(self, cluster_id: str, year: int) -> dict[str, Any]:
        found: dict[str, Any] = self.read(f"/clusters/{cluster_id}/years/{year}")
        return found

    def year_record(self, cluster_id: str, year: int) -> dict[str, Any]:
        found: dict[str, Any] = self.read(f"/clusters/{cluster_id}/years/{year}/record")
        return found

    def standings(self, cluster_id: str, year: int) -> dict[str, Any]:
        found: dict[str, Any] = self.read(f"/clusters/{cluster_id}/years/{year}/standings")
        return found

    def awards(self, **filters: Any) -> dict[str, Any]:
        """The award register (awards and stated counts), filtered by unit, person, authority, year, cluster."""
        found: dict[str, Any] = self.read("/awards", **filters)
        return found

    def record(self, fact_type: str, body: Json, idempotency_key: str | None = None) -> Json:
        """Record a fact (POST /facts/{type}); a refusal raises RuleRefused, Invalid or Forbidden."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.post(f"/facts/{fact_type}", body, headers)


class DocumentsClient(ServiceClient):
    service = "documents"
