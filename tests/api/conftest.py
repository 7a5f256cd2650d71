"""An API client on each store, and tokens for every role."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_ledger.api.app import create_app
from thidua_ledger.settings import Settings

from tests.tokens import bearer

CLERK = bearer(Role.CLERK)
AUDITOR = bearer(Role.AUDITOR, "Lê Thị Thanh tra")
ADMIN = bearer(Role.ADMIN, "Quản trị hệ thống")
CLERK_ACCOUNT = "Trần Văn Thư ký"


@pytest.fixture
def client(ledger_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_settings)) as test_client:
        yield test_client
