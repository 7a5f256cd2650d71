"""What every document kind shares: the issuing body, the header, signers, and the rule
that missing data is named (all of it at once) instead of guessed."""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from thidua_events.text import Name, vietnamese_sort_key

from thidua_documents.formatting import (
    PLACEHOLDER,
    bold_text_width_twips,
    centred_rule_indent,
    date_line,
    name_lines,
    punctuate,
    upper,
)
from thidua_documents.snapshot import AuthorityView, ClusterView, Snapshot
from thidua_documents.templates.parts import PARTY_COLUMNS, STATE_COLUMNS, TEXT_WIDTH

T = TypeVar("T")


class MissingData(Exception):
    """The ledger (or the request) lacks something the document legally needs."""

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__("cannot render: missing " + "; ".join(missing))
        self.missing = list(missing)


def _absent(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


class Needs:
    """Collects every missing item, so one answer names all of them.

    `need` is for what the document is about (the review, the decree): without it nothing,
    not even a draft, can be rendered. `part` is for a part the document legally needs
    (the secretary, the legal bases): a draft shows the placeholder where it goes, and
    issuing refuses while any part is missing (Prepared.missing)."""

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.parts: list[str] = []

    def need(self, value: T | None, what: str) -> T:
        if _absent(value):
            self.missing.append(what)
        return value  # type: ignore[return-value]  # only used after check() when missing

    def part(self, value: T | None, what: str) -> T | str:
        """The value, or the placeholder a draft prints in its place (and its name recorded)."""
        if _absent(value):
            self.parts.append(what)
            return PLACEHOLDER
        return value  # type: ignore[return-value]

    def lines(self, values: Sequence[str], what: str) -> list[str]:
        """A list part: its lines, or one placeholder line."""
        return list(values) if values else [self.part(None, what)]

    def check(self) -> None:
        if self.missing:
            raise MissingData(self.missing)


class DocumentRequest(BaseModel):
    """What the clerk adds to the ledger's facts. Every field is optional in the schema;
    a document refuses with 422 when it legally needs one that is absent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    place: Name | None = None
    """The place in the date line, when the issuing authority has none recorded."""


@dataclass(frozen=True)
class Issuer:
    """The issuing body (cơ quan ban hành) under its parent, as named on the document's date."""

    key: str  # the register's key: numbers run per issuing body (books.py)
    name: str
    parent: str | None
    place: str | None
    form: str = "state"  # of the authority it belongs to: DocumentForm, "state" or "party"


@dataclass
class Prepared:
    """A document ready to render, but for its number."""

    kind: str
    template: str
    type_symbol: str | None
    issuer: Issuer
    dated: date
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """The parts a draft shows as placeholders; issuing refuses while any is missing."""
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    """Nơi nhận, as printed."""
    recorded_number: str | None = None
    """The number the ledger already records for this document (a recorded decree): printed
    and registered as such, never renumbered."""
    stated: date | str | None = None
    """The date as printed, when the fact states less than a day (see `on_stated`); else `dated`."""

    def context_with(self, number_text: str | None) -> dict[str, Any]:
        return {**self.context, "hdr": header(self.issuer, self.stated or self.dated, number_text)}


def header(issuer: Issuer, dated: date | str, number_text: str | None) -> dict[str, Any]:
    """The header's lines, in the issuing body's form: the State's (13 pt names, "Số: …")
    or the Party's (14 pt names, "Số …", Hướng dẫn 36-HD/VPTW)."""
    party = issuer.form == "party"
    size = 14 if party else 13
    left, right = PARTY_COLUMNS if party else STATE_COLUMNS
    issuer_lines = name_lines(issuer.name, left, size, bold=True)
    # The rule under the issuing body is 1/3 to 1/2 of its text: aim at 2/5 of its widest line.
    text_width = min(max(bold_text_width_twips(line, size) for line in issuer_lines), left)
    return {
        "party": party,
        "left_width": left,
        "right_width": right,
        "parent_lines": name_lines(issuer.parent, left, size, bold=False) if issuer.parent else [],
        "issuer_lines": issuer_lines,
        "issuer": upper(issuer.name),
        "issuer_rule": centred_rule_indent(left, round(text_width * 0.4)),
        "number": number_text or "",
        "number_line": f"Số {number_text or ''}" if party else f"Số: {number_text or ''}",
        "date_line": date_line(issuer.place or PLACEHOLDER, dated),
    }


def summary_rule(summary: str) -> int:
    """A short rule under the summary: 2/5 of its first line (1/3 to 1/2, Phụ lục I §II.5)."""
    width = min(bold_text_width_twips(summary, 14), TEXT_WIDTH)
    return centred_rule_indent(TEXT_WIDTH, round(width * 0.4))


def authority_issuer(snap: Snapshot, authority: AuthorityView, place: str | None) -> Issuer:
    parent = snap.authority(authority.parent_id) if authority.parent_id else None
    return Issuer(key=f"authority:{authority.authority_id}", name=authority.name,
                  parent=parent.name if parent else None, place=place or authority.place,
                  form=authority.document_form)


def cluster_issuer(cluster: ClusterView, authority: AuthorityView | None, request: DocumentRequest) -> Issuer:
    """A cluster's own documents (minutes, report, pledge) go out under the cluster's name,
    below its authority; the ledger records no symbol for a cluster: it is registered once
    with the issuing body (books.py)."""
    return Issuer(key=f"cluster:{cluster.cluster_id}", name=cluster.name,
                  parent=authority.name if authority else None,
                  place=request.place or (authority.place if authority else None),
                  form=authority.document_form if authority else "state")


def need_issuer(needs: Needs, issuer: Issuer) -> None:
    needs.part(issuer.place, "place (the issuing authority has no recorded place; send `place`)")


def signature(title: str | None, name: str | None) -> dict[str, Any]:
    """"KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" becomes two bold upper-case lines above the name."""
    return {"title_lines": [upper(part.strip()) for part in (title or "").split("/") if part.strip()],
            "name": name or ""}


def copies(items: Sequence[str]) -> list[str]:
    """The "Nơi nhận" list: "- Như Điều 3;" ... "- Lưu: VT."."""
    return ["- " + item.lstrip("- ") for item in punctuate(items)]


def quoted_movement(movement: str | None) -> str:
    """' “Vì an ninh Tổ quốc”', or nothing when the ledger names no movement (never "None")."""
    return f" “{movement}”" if movement else ""


def movement_phrase(movement: str | None) -> str:
    return f"phong trào thi đua{quoted_movement(movement)}"


@lru_cache(maxsize=4096)
def _char_key(char: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return vietnamese_sort_key(char)


def name_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """vietnamese_sort_key, assembled from the keys of single letters: that key treats each
    letter on its own, so the result is the same, and a list of 500 names sorts in a
    fraction of the time."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        char_letters, char_tones = _char_key(char)
        letters += char_letters
        tones += char_tones
    return tuple(letters), tuple(tones)


def sorted_by_name(items: Sequence[T], name: Callable[[T], str]) -> list[T]:
    return sorted(items, key=lambda item: (name_key(name(item)), name(item)))


def person_sort_key(full_name: str) -> tuple[object, ...]:
    """People are listed by given name (the last word), then by the full name."""
    words = full_name.split()
    return (name_key(words[-1] if words else ""), name_key(full_name), full_name)


def cluster_year(snap: Snapshot, subject: dict[str, str]) -> tuple[ClusterView, int]:
    """The cluster and year a document is about; refused at once when either is unknown,
    since nothing else can be looked up without them."""
    cluster_id, year = UUID(subject["cluster_id"]), int(subject["year"])
    cluster = snap.cluster(cluster_id)
    if cluster is None:
        raise MissingData([f"cluster {cluster_id} (not in the ledger as of position {snap.as_of})"])
    if not snap.year_known(cluster_id, year):
        raise MissingData([f"year {year} of {cluster.name} (not opened in the ledger as of position "
                           f"{snap.as_of})"])
    return cluster, year
