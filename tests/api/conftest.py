"""An API client on each store, and tokens for every role."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_events.tokens import issue_token
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.conftest import TOKEN_KEY


def bearer(role: Role, actor: str = "Trần Văn Thư ký") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(TOKEN_KEY, actor, role)}"}


CLERK = bearer(Role.CLERK)
AUDITOR = bearer(Role.AUDITOR, "Lê Thị Thanh tra")


@pytest.fixture
def client(ledger_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_settings)) as test_client:
        yield test_client
