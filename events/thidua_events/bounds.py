"""The ranges the numbers in the contract and the services' APIs stay within.

Out-of-range values are refused at the edge with a 422 naming the parameter, so none
reaches a database column that would overflow (a 500). The OpenAPI documents state them
as `minimum`/`maximum`.

- Years: 1945 (the founding of the People's Public Security) to 2100.
- Log positions and entity versions: 0 to 2^53 - 1, the integers a JSON number holds exactly
  (what a JavaScript client can send), well inside SQLite's INTEGER and PostgreSQL's bigint
  (2^63 - 1), where they are stored.

Dates need no bound of their own: every ISO date (years 1 to 9999) is answered.

- An Idempotency-Key: a structured-field string (printable ASCII, as the IETF draft on the
  header has it), 1 to 200 long. The ledger refuses any other; the web app, which sends back
  the key its form carried, sends none rather than one the ledger would refuse.
"""

from typing import Annotated

from pydantic import Field

FIRST_YEAR = 1945
LAST_YEAR = 2100
MAX_POSITION = 2**53 - 1
IDEMPOTENCY_KEY_PATTERN = r"^[ -~]{1,200}$"

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="A calendar year")]
