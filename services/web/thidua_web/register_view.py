"""The register (sổ đăng ký văn bản) as a table: the same rows on the page and in its .xlsx."""

import re
import unicodedata
from typing import Any

from thidua_web.templating import vn_date

HEADERS = ["Số, ký hiệu", "Ngày", "Cơ quan ban hành", "Loại", "Trích yếu", "Người ký", "Người ban hành"]
KINDS = {
    "decree": "Quyết định", "proposal": "Tờ trình", "review-minutes": "Biên bản tổng kết",
    "pledge-minutes": "Biên bản ký kết giao ước", "pledge": "Giao ước thi đua",
    "flag-handover-minutes": "Biên bản bàn giao cờ", "report": "Báo cáo",
}


def folded(text: str) -> str:
    """Without case or diacritics, so "cum 4" finds "Cụm 4" (đ is a letter of its own: d)."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def select(entries: list[dict[str, Any]], issuer: str = "", q: str = "") -> list[dict[str, Any]]:
    """One issuing body's entries (or all), with every word of `q` somewhere in the row."""
    words = folded(q).split()
    found = []
    for entry in entries:
        if issuer and entry["issuer_key"] != issuer:
            continue
        haystack = folded(" ".join(str(cell) for cell in row(entry)))
        if all(word in haystack for word in words):
            found.append(entry)
    # A register reads by body, then by year and number, as the books are kept.
    return sorted(found, key=lambda e: (e["issuer_key"], e["year"], e.get("book") or "", _leading(e["number"]),
                                        e["dated"]))


def _leading(number: str | None) -> int:
    """"10/QĐ-CATP" after "2/QĐ-CATP"; an unnumbered document (a pledge) first."""
    digits = re.match(r"\d+", number or "")
    return int(digits[0]) if digits else 0


def row(entry: dict[str, Any]) -> list[str]:
    return [entry.get("number") or "", vn_date(entry["dated"]), entry.get("issuer_symbol") or entry["issuer_key"],
            KINDS.get(entry["kind"], entry["kind"]), entry["title"], entry.get("signer") or "",
            entry["issued_by"]]


def rows(entries: list[dict[str, Any]]) -> list[list[str]]:
    return [row(entry) for entry in entries]
