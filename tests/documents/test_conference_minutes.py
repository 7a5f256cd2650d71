"""Minutes print a conference as its fact states it (the demo scenario): the place, and each
senior officer present with exactly the role stated ("dự", "dự và chỉ đạo", "dự và chủ trì")."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.documents.demo import DEMO, open_demo
from tests.documents.reading import open_docx
from tests.documents.test_year_documents import all_text

WANTED = ("cum2-2018-pledge-minutes", "cum4-2016-review-minutes", "cum5-2018-pledge-minutes")


@pytest.fixture(scope="module")
def minutes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    folder: Path = tmp_path_factory.mktemp("conferences")
    for docs in open_demo(folder):
        drafted = {}
        for document in DEMO:
            if document.name in WANTED:
                response = docs.client.post(f"{document.path}/draft", json=document.body)
                assert response.status_code == 200, response.text
                drafted[document.name] = all_text(open_docx(response.content)).splitlines()
        yield drafted


def test_pledge_minutes_print_the_place_the_pledge_conference_states(minutes: dict[str, list[str]]) -> None:
    assert "Địa điểm: Hà Nội." in minutes["cum2-2018-pledge-minutes"]


def test_officials_present_are_printed_with_exactly_the_role_stated(minutes: dict[str, list[str]]) -> None:
    cum2 = minutes["cum2-2018-pledge-minutes"]
    assert "- Thiếu tướng Đỗ Ngọc Cẩn, Phó Tổng cục trưởng Tổng cục Chính trị CAND (dự)." in cum2
    assert not any("chủ trì" in line or "chỉ đạo" in line for line in cum2 if "Đỗ Ngọc Cẩn" in line)
    cum4 = minutes["cum4-2016-review-minutes"]
    assert [line for line in cum4 if "Đinh Văn Toản" in line] == [
        "- Thiếu tướng Đinh Văn Toản, Phó Giám đốc CATP (dự và chỉ đạo)."]
    assert any(line.endswith("(dự và chủ trì).") or line.endswith("(dự và chủ trì);")
               for line in minutes["cum5-2018-pledge-minutes"] if "Đoàn Ngọc Hùng" in line)
