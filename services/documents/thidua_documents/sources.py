"""Where the events come from, and the follower that keeps the projections up to date.

One projection code, two sources: `FeedSource` polls the ledger's `GET /log` over HTTP
(the embedded default, `make run`) and hands `projections.apply_page` pages in log order;
`kafka_source.KafkaSource` reads the relay's topic (production), whose partitions arrive
in any order, through `projections.apply_arrivals`. Either applies each event exactly once.
"""

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import httpx
from kafka.errors import KafkaError
from thidua_events.envelope import LogPage

from thidua_documents.projections import apply_page, projected_position
from thidua_documents.store import Store

log = logging.getLogger(__name__)


class Source(Protocol):
    def catch_up(self, store: Store) -> int:
        """Apply what the source holds now; returns the position the projection reached."""
        ...


class FeedSource:
    """The ledger's log feed. `client` may be any httpx.Client (a TestClient in tests)."""

    def __init__(self, ledger_url: str = "", token: str | Callable[[], str] = "", *,
                 client: httpx.Client | None = None, page_size: int = 500, timeout: float = 10.0) -> None:
        self.client = client or httpx.Client(base_url=ledger_url, timeout=timeout)
        # A callable is asked on every read: a service token is rotated (it lasts a week at
        # most) by replacing what it returns, without restarting the service.
        self.token = token
        self.page_size = page_size

    def read(self, after: int) -> LogPage:
        token = self.token() if callable(self.token) else self.token
        response = self.client.get("/log", params={"after": after, "limit": self.page_size},
                                   headers={"Authorization": f"Bearer {token}"} if token else {})
        response.raise_for_status()
        return LogPage.model_validate(response.json())

    def catch_up(self, store: Store) -> int:
        """Read and apply pages until the ledger's head; returns the position reached."""
        position = projected_position(store)
        while True:
            page = self.read(position)
            reached = apply_page(store, page.events, page.next_after)
            if reached >= page.head or reached == position:
                return reached
            position = reached

    def close(self) -> None:
        self.client.close()


def catch_up(store: Store, source: Source) -> int:
    return source.catch_up(store)


class Follower:
    """A daemon thread that polls the source, catching up, then waiting `interval` seconds.
    A failing source is logged and retried: the projection only ever moves forward."""

    def __init__(self, store: Store, source: Source, interval: float = 1.0) -> None:
        self.store, self.source, self.interval = store, source, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="documents-follower", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                catch_up(self.store, self.source)
            except (httpx.HTTPError, KafkaError) as error:  # the ledger or the broker is away
                log.warning("documents follower: %s; retrying in %.1fs", error, self.interval)
            except Exception:  # a background thread must not die silently; the next poll retries
                log.exception("documents follower failed; retrying in %.1fs", self.interval)
            self._stop.wait(self.interval)
