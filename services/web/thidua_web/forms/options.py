"""The lists a form's pickers offer, read from the ledger as the signed-in person: units,
people, clusters, authorities, award kinds and decrees from its catalogue; the criteria,
ballots and scores of an emulation year from the year's own views. Each list is read once
per page, and only when a field asks for it."""

from typing import Any
from uuid import UUID, uuid5

from thidua_web.clients import LedgerClient, NotFound
from thidua_web.templating import vn_date, vn_number

CATALOGUE = {"units", "people", "clusters", "authorities", "award-kinds", "decrees"}
YEAR_LISTS = {"criteria", "ballots", "scores"}  # lists of one emulation year's things
CATALOGUE_LIMIT = 500
Option = tuple[str, str]  # (value, label)


def year_entity_id(cluster_id: str, year: int) -> UUID:
    """The id under which the ledger keeps a cluster's emulation year (its receipts and history
    name it); tests/unit/test_web_forms.py keeps it equal to the ledger's own."""
    return uuid5(UUID(cluster_id), f"emulation-year-{year}")


class Options:
    """The pickers' lists for one form; `cluster_id` and `year` are the form's, for the lists
    that belong to a year (criteria, ballots, scores)."""

    def __init__(self, ledger: LedgerClient, cluster_id: str | None = None, year: str | None = None) -> None:
        self.ledger = ledger
        self.cluster_id = cluster_id or None
        self.year = int(year) if year and year.isdigit() else None
        self._lists: dict[str, list[Option]] = {}
        self._record: dict[str, Any] | None = None

    def of(self, source: str) -> list[Option]:
        if source not in self._lists:
            self._lists[source] = self._read(source)
        return self._lists[source]

    def label(self, source: str, value: str) -> str:
        return next((label for key, label in self.of(source) if key == value), value)

    def needs_year(self, source: str) -> bool:
        """A list of a year's things, while the form names no cluster and year yet."""
        return source in YEAR_LISTS and (self.cluster_id is None or self.year is None)

    def _read(self, source: str) -> list[Option]:
        if source in CATALOGUE:
            entries = self.ledger.search(source, limit=CATALOGUE_LIMIT)
            if source == "award-kinds":  # a fact names an award kind by its name, within its authority
                return list(dict.fromkeys((str(e["name"]), str(e["name"])) for e in entries))
            return [(str(e["id"]), str(e["name"])) for e in entries]
        if self.needs_year(source):
            return []
        if source == "criteria":
            return [(str(c["code"]), f'{c["code"]}. {c["title"]} (tối đa {vn_number(c["max_points"])} điểm)')
                    for c in self._year_record().get("criteria", [])]
        if source == "ballots":
            return [(str(b["ballot_id"]), f'{b["subject"]} ({vn_date(b["effective_date"])})')
                    for b in self._year_record().get("ballots", [])]
        if source == "scores":
            return self._scores()
        return []

    def _year_record(self) -> dict[str, Any]:
        if self._record is None:
            try:
                self._record = self.ledger.year_record(str(self.cluster_id), int(self.year or 0))
            except NotFound:
                self._record = {}
        return self._record

    def _scores(self) -> list[Option]:
        """The year's scores in force, newest value of each, labelled by unit, criterion and points."""
        try:
            history = self.ledger.read(f"/entities/{year_entity_id(str(self.cluster_id), int(self.year or 0))}/events")
        except NotFound:
            return []
        units = dict(self.of("units"))
        found: list[Option] = []
        for event in history:
            data = event.get("data", {})
            if event.get("type") == "ScoreRecorded" and not event.get("corrected_by"):
                kind = "tự chấm" if data.get("kind") == "self" else "chấm chéo"
                found.append((str(data["score_id"]), f'{units.get(str(data["unit_id"]), "Đơn vị")} · tiêu chí '
                              f'{data["criterion_code"]} · {data["points"]} điểm ({kind})'))
            elif event.get("type") == "ScoreCorrected":
                found.append((str(data["score_id"]), f'Điểm đã sửa thành {data["points"]}'))
        return found
