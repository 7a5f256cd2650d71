"""No input ever gets a 5xx, and every answer matches the published API schema.

Schemathesis walks every operation of both services' OpenAPI documents (whatever routes
exist when the test runs), with every check it has, a few positive and negative examples
per operation, each sent over real HTTP with a real token of one of the four roles. Half
the positive examples aim at entities that exist (the documents tests' world), so reads
and drafts get past "not found" into the code that renders them.
"""

import itertools
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.errors import InvalidSchema, UnsupportedSchema
from schemathesis.core.failures import FailureGroup
from thidua_documents.api.app import create_app as create_documents_app
from thidua_documents.settings import Settings as DocumentsSettings
from thidua_documents.sources import FeedSource
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app as create_ledger_app
from thidua_ledger.settings import Settings as LedgerSettings

from tests.api.served import served
from tests.documents import requests
from tests.documents.conftest import register_world
from tests.documents.world import ADMIN, CLERK, SUBSCRIBER_TOKEN, World, build_world
from tests.tokens import JWKS_FILE, SIGNING_KEY_FILE, bearer

EXAMPLES = 3  # per operation and mode
# The clerk holds the world's grants, so that writes get past the scope check into the rules.
ROLES = [CLERK, bearer(Role.AUDITOR, "Lê Thị Thanh tra"), bearer(Role.SUBSCRIBER, "Dịch vụ văn bản"), ADMIN]


@dataclass
class Tally:
    requests: int = 0
    failures: list[str] = field(default_factory=list)


def known_values(world: World, document_ids: list[str]) -> dict[str, list[Any]]:
    """Path parameter values that name real entities, by parameter name."""
    units = list(world.units.values())
    return {
        "cluster_id": [world.cluster], "year": [2016, 2019], "unit_id": units,
        "entity_id": [world.cluster, *units], "decree_id": [world.decree_2016, world.decree_2019],
        "proposal_id": [world.proposal_2019], "document_id": document_ids,
    }


# Beyond U+FFFF, and the private-use block U+E000-U+F8FF: the large ranges of the classes.
_LARGE_RANGES = re.compile("[\U00010000-\U0010FFFF](?:-[\U00010000-\U0010FFFF])?|\\\\uE000-\\\\uF8FF")


def _left_out(code: int) -> bool:
    return code > 0xFFFF or 0xE000 <= code <= 0xF8FF


def for_generation(document: Any) -> Any:
    """The OpenAPI document with the large ranges left out of the text patterns' character classes.
    Hypothesis builds a strategy for a class with them in seconds, for every field of every
    operation again; without them the run takes a minute, not an hour. The copy is looser only
    for private-use characters and control characters beyond U+FFFF (see `unstatable`)."""
    if isinstance(document, dict):
        return {key: _LARGE_RANGES.sub("", value) if key == "pattern" and isinstance(value, str)
                else for_generation(value) for key, value in document.items()}
    if isinstance(document, list):
        return [for_generation(item) for item in document]
    return document


def only_unknown_query_parameters(case: Any, response: Any) -> bool:
    """A 2xx to a request whose only fault is a query parameter the operation does not declare:
    ignored, as HTTP APIs do (OpenAPI does not forbid them)."""
    declared = {p["name"] for p in case.operation.definition.raw.get("parameters", []) if p.get("in") == "query"}
    return response.status_code < 300 and bool(set(case.query or {}) - declared)


def fuzz(base_url: str, known: dict[str, list[Any]], tally: Tally) -> None:
    """Every operation of the service at `base_url`, with all of schemathesis' checks."""
    schema = schemathesis.openapi.from_dict(for_generation(httpx.get(f"{base_url}/openapi.json", timeout=60).json()))
    roles = itertools.cycle(ROLES)
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(result.ok(), mode, base_url, known, roles, tally)


def fuzz_operation(operation: Any, mode: GenerationMode, base_url: str, known: dict[str, list[Any]],
                   roles: Iterator[dict[str, str]], tally: Tally) -> None:
    checks = list(CHECKS.get_all())

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), aim=st.booleans())
    def run(case: Any, aim: bool) -> None:
        if mode is GenerationMode.POSITIVE:
            if aim:
                for name in case.path_parameters or {}:
                    if known.get(name):
                        case.path_parameters[name] = known[name][0]
            if case.query and "known_at" in case.query:  # "one clock position, not both": a rule between
                case.query.pop("known_at_time", None)    # parameters that OpenAPI cannot state
        headers = next(roles)
        response = case.call(base_url=base_url, headers=headers)
        tally.requests += 1
        try:
            case.validate_response(response, checks=checks, headers=headers,
                                   transport_kwargs={"base_url": base_url, "headers": headers})
        except InvalidSchema as error:
            tally.failures.append(f"{case.method} {case.path} -> {response.status_code}: invalid schema {error}")
        except (AssertionError, FailureGroup) as failure:
            found = [line[2:] for line in str(failure).splitlines() if line.startswith("- ")]
            if found == [ACCEPTED] and only_unknown_query_parameters(case, response):
                return
            if found == [REJECTED] and refused_for_what_the_schema_cannot_state(response):
                return
            tally.failures.append(f"{case.method} {case.path} -> {response.status_code}: {'; '.join(found)}"
                                  f"\n    {response.text[:300]}\n    {case.as_curl_command(headers)}")

    try:
        run()
    except Unsatisfiable:  # nothing to negate: an operation without parameters or body
        assert mode is GenerationMode.NEGATIVE
    except UnsupportedSchema as error:
        tally.failures.append(f"{operation.label} [{mode.value}] cannot be generated: {str(error)[:300]}")


REJECTED = "ST202 Schema-valid request rejected"
ACCEPTED = "ST201 Schema-violating request accepted"


def refused_for_what_the_schema_cannot_state(response: Any) -> bool:
    """A 422 to a schema-valid request, where every error is one the OpenAPI document cannot
    state: the documents service's "the ledger lacks what the document needs" (`missing`), or
    field errors each explained by `unstatable`."""
    if response.status_code != 422:
        return False
    body = response.json()
    if body.get("missing"):
        return True
    return isinstance(body.get("detail"), list) and all(unstatable(error) for error in body["detail"])


def unstatable(error: dict[str, Any]) -> bool:
    """- a rule between fields (its location ends at an object: the body or an item of a list),
         such as valid <= returned <= issued ballots; the schemas list them in `$comment`;
    - points beyond 7 digits or 2 decimals: a JSON float's multipleOf 0.01 is not exact (and
      the list such a refusal empties);
    - a control character the generator's copy of the patterns left out (`for_generation`);
    - an id the ledger does not have (the documents service refuses such a field with a 422
      that says so: a fact about the ledger's state, not about the request's form);
    - a legal basis not in the documents service's catalogue of instruments (its state, too)."""
    last = error["loc"][-1]
    between_fields = (error.get("ctx") or {}).get("between_fields")
    if error["type"] in ("value_error", "assertion_error") and (last == "body" or isinstance(last, int)
                                                                or between_fields):
        return True
    if error["type"].startswith("decimal_") or error["type"] == "too_short":
        return True
    if "in the ledger" in error.get("msg", "") or error["type"] == "unknown_instrument":
        return True
    found = re.findall(r"control characters \(found U\+([0-9A-F]+)\)", error.get("msg", ""))
    return bool(found) and all(_left_out(int(code, 16)) for code in found)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, list[Any]]]]:
    ledger_app = create_ledger_app(LedgerSettings(store="sqlite", sqlite_path=tmp_path / "ledger.sqlite",
                                                  signing_key_file=SIGNING_KEY_FILE))
    with served(ledger_app) as ledger_url, httpx.Client(base_url=ledger_url, timeout=30) as client:
        world = build_world(client)  # type: ignore[arg-type]  # the same calls as a TestClient's
        feed = FeedSource(ledger_url, SUBSCRIBER_TOKEN)
        docs_app = create_documents_app(
            DocumentsSettings(store="sqlite", sqlite_path=tmp_path / "documents.sqlite", token_jwks=str(JWKS_FILE),
                              ledger_url=ledger_url, poll_interval=0.2), source=feed)
        with closing(feed), served(docs_app) as docs_url:
            head = client.get("/health").json()["position"]
            clerk = CLERK
            deadline = time.monotonic() + 30
            while httpx.get(f"{docs_url}/projection", headers=clerk).json()["position"] < head:
                assert time.monotonic() < deadline, "the documents service did not catch up"
                time.sleep(0.1)
            with httpx.Client(base_url=docs_url, headers=clerk, timeout=60) as docs:
                register_world(docs, world)  # type: ignore[arg-type]  # issuing bodies and the law
            issued = httpx.post(f"{docs_url}/documents/decrees/{world.decree_2016}",
                                json=requests.decree(world), headers=clerk,
                                timeout=60)
            assert issued.status_code == 201, issued.text
            yield ledger_url, docs_url, known_values(world, [issued.json()["document_id"]])


def test_no_input_gets_a_server_error_or_an_answer_outside_the_schema(
        services: tuple[str, str, dict[str, list[Any]]]) -> None:
    ledger_url, docs_url, known = services
    tally = Tally()
    started = time.monotonic()
    for base_url in (ledger_url, docs_url):
        fuzz(base_url, known, tally)
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {tally.requests} requests in {elapsed:.0f} s, {len(tally.failures)} failures")
    assert tally.requests > 200
    for failure in tally.failures:
        print(failure)
    kinds = Counter(failure.splitlines()[0] for failure in tally.failures)
    assert not tally.failures, "\n".join(f"{n} x {kind}" for kind, n in kinds.most_common()) + \
        "\n\nfor example:\n" + "\n".join(tally.failures[:10])
