"""A date is printed at the precision its fact states: Cụm 5's pledge of "early 2018" (the
demo scenario, date_precision year) prints as "năm 2018", never as 01-01-2018."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from thidua_documents.formatting import on_stated

from tests.documents.demo import DEMO, open_demo
from tests.documents.reading import open_docx
from tests.documents.test_year_documents import all_text


@pytest.fixture(scope="module")
def cum5(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder: Path = tmp_path_factory.mktemp("cum5")
    for docs in open_demo(folder):
        drafted = {}
        for document in DEMO:
            if document.name.startswith("cum5-2018-pledge"):
                response = docs.client.post(f"{document.path}/draft", json=document.body)
                assert response.status_code == 200, response.text
                drafted[document.name] = all_text(open_docx(response.content))
        yield drafted


def test_a_date_stated_to_the_year_or_month_prints_at_that_precision() -> None:
    assert on_stated("2018") == "năm 2018"
    assert on_stated("2018-03") == "tháng 3 năm 2018"
    assert on_stated("2018-01") == "tháng 01 năm 2018"  # months 1 and 2 take a leading zero
    assert on_stated(date(2018, 3, 5)) == "ngày 05 tháng 3 năm 2018"


def test_cum5s_pledge_of_early_2018_prints_as_the_year_never_as_the_first_of_january(
        cum5: dict[str, str]) -> None:
    for name, text in cum5.items():
        assert "01 tháng 01 năm 2018" not in text and "01/01/2018" not in text, name
        assert "01-01-2018" not in text, name
    minutes = cum5["cum5-2018-pledge-minutes"]
    assert "Thời gian: bắt đầu lúc …… giờ ……, năm 2018." in minutes
    assert "Hội nghị thống nhất thông qua giao ước thi đua năm 2018." in minutes
    assert "Hà Nội, năm 2018" in cum5["cum5-2018-pledge"]


