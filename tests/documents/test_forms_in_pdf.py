"""The demo's documents, drafted and rendered to PDF by LibreOffice, read as a clerk who
knows Nghị định 30/2020 (Phụ lục I, Mẫu 1.9 of Phụ lục III) and Hướng dẫn 36-HD/VPTW would."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from PIL import Image
from thidua_documents.formatting import document_number, name_lines
from thidua_documents.preview import soffice
from thidua_documents.templates.parts import PARTY_COLUMNS, STATE_COLUMNS

from tests.documents.demo import CUM_VP_DU, DEMO, draft_all, open_demo
from tests.documents.reading import open_docx
from tests.services import unavailable

DPI = 150


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # points, from the top of the page


@dataclass
class Rendered:
    docx: Path
    pdf: Path

    def lines(self, page: int = 1) -> list[Line]:
        html = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(self.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        found = []
        for line in re.findall(r"<line [^>]*>(.*?)</line>", html, re.S):
            words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                               line)
            found.append(Line(" ".join(w[4] for w in words), min(float(w[0]) for w in words),
                              min(float(w[1]) for w in words), max(float(w[2]) for w in words),
                              max(float(w[3]) for w in words)))
        return found

    def words(self, page: int = 1) -> list[Line]:
        html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(self.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        return [Line(w[4], float(w[0]), float(w[1]), float(w[2]), float(w[3])) for w in
                re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                           html)]

    def rules(self) -> list[tuple[float, float, float]]:
        """Horizontal rules on page 1 as (y, x0, x1) in points: rows of pixels with a dark run
        longer than 10 mm (no run of text is that long)."""
        base = self.pdf.with_suffix("")
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(self.pdf), str(base)], check=True)
        image = Image.open(f"{base}.png").convert("L")
        pixels = image.load()
        scale = 72 / DPI
        rules: list[tuple[float, float, float]] = []
        for y in range(image.height // 2):
            start = None
            for x in range(image.width + 1):
                dark = x < image.width and pixels[x, y] < 128
                if dark and start is None:
                    start = x
                if not dark and start is not None:
                    x0, x1 = start * scale, x * scale
                    start = None
                    if x1 - x0 > 28 and not any(abs(r[0] - y * scale) < 2 and abs(r[1] - x0) < 2 for r in rules):
                        rules.append((y * scale, x0, x1))  # (a rule one pixel thicker is the same rule)
        return rules


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Rendered]]:
    if soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        unavailable("LibreOffice", "soffice, pdftotext or pdftoppm is not installed (make preview-tools)")
    folder = tmp_path_factory.mktemp("demo")
    for docs in open_demo(folder):
        files = draft_all(docs, folder)
        subprocess.run([soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), *map(str, files.values())],
                       check=True, capture_output=True, timeout=600)
        yield {name: Rendered(path, path.with_suffix(".pdf")) for name, path in files.items()}


def _left_edge(party: bool) -> float:
    return 30 / 25.4 * 72 + (PARTY_COLUMNS if party else STATE_COLUMNS)[0] / 20


def _left_rows(rendered: Rendered, party: bool) -> list[Line]:
    """The lines of the header's left column, above the number (or the title)."""
    rows: dict[int, list[Line]] = {}
    words = rendered.words()
    # a pledge has no number: its header ends at the date line ("…, ngày …", or "…, năm 2018"
    # for a date stated only to the month or year)
    dated = next((w.y0 for w in words if w.text in ("ngày", "tháng", "năm") and w.x0 > _left_edge(party)), 400)
    for word in words:
        if word.x1 <= _left_edge(party) + 1 and word.y0 < dated - 2:
            rows.setdefault(round(word.y0), []).append(word)
    lines = [Line(" ".join(w.text for w in sorted(row, key=lambda w: w.x0)), min(w.x0 for w in row),
                  min(w.y0 for w in row), max(w.x1 for w in row), max(w.y1 for w in row))
             for _, row in sorted(rows.items())]
    end = next((i for i, line in enumerate(lines) if line.text.startswith("Số")), len(lines))
    return lines[:end]


def _left_header(rendered: Rendered, party: bool) -> list[str]:
    return [line.text for line in _left_rows(rendered, party)]


@pytest.mark.parametrize("document", DEMO, ids=lambda d: d.name)
def test_no_line_break_inside_the_issuing_body_s_or_parent_s_name(demo: dict[str, Rendered], document) -> None:
    party = document.issuer == CUM_VP_DU
    left = [line for line in _left_header(demo[document.name], party) if line != "*"]
    width, size = (PARTY_COLUMNS[0], 14) if party else (STATE_COLUMNS[0], 13)
    assert left[0] == document.parent  # "CÔNG AN THÀNH PHỐ HÀ NỘI" on one line
    expected = name_lines(document.issuer, width, size, bold=True)
    assert left[1:] == expected
    assert not any(line.startswith(("NỘI", "HÀ NỘI")) for line in left)


@pytest.mark.parametrize("document", DEMO, ids=lambda d: d.name)
def test_short_rules_sit_below_their_text_a_third_to_a_half_of_it_and_the_motto_s_as_long_as_it(
        demo: dict[str, Rendered], document) -> None:
    rendered = demo[document.name]
    lines, rules = rendered.lines(), rendered.rules()
    party = document.issuer == CUM_VP_DU
    issuer_rows = [row for row in _left_rows(rendered, party)[1:] if row.text != "*"]
    checked = 0
    for y, x0, x1 in rules:
        if y > 330 or x1 - x0 > 400:  # below the title, or the border of a table
            continue
        above = [line for line in lines if line.y1 <= y + 3 and line.x0 < x1 and line.x1 > x0]
        text = max(above, key=lambda line: line.y1)
        assert y - text.y1 > 0.5, f"the rule under {text.text!r} touches it"
        length, width = x1 - x0, text.x1 - text.x0
        if x1 < _left_edge(party):  # under the issuing body: measured against its widest line
            width = max(row.x1 - row.x0 for row in issuer_rows)
            text = Line(" / ".join(row.text for row in issuer_rows), 0, 0, 0, 0)
        centre = (text.x0 + text.x1) / 2 if text.x1 else (issuer_rows[0].x0 + issuer_rows[0].x1) / 2
        assert abs((x0 + x1) / 2 - centre) < 3, f"the rule under {text.text!r} is not centred"
        if text.text in ("Độc lập - Tự do - Hạnh phúc", "ĐẢNG CỘNG SẢN VIỆT NAM"):
            assert 0.95 < length / width < 1.05, (text.text, length / width)
        else:
            assert 1 / 3 <= length / width <= 1 / 2, (text.text, length / width)
        checked += 1
    # issuing body and motto (State) or the Party's line (Party), and the summary
    assert checked == (2 if party else 3)


def test_minutes_follow_mau_1_9(demo: dict[str, Rendered]) -> None:
    rendered = demo["cum4-2019-review-minutes"]
    doc = open_docx(rendered.docx.read_bytes())
    header = doc.tables[0]
    assert header.rows[1].cells[0].text.startswith("Số: ") and "/BB-" in header.rows[1].cells[0].text
    assert header.rows[1].cells[1].text == ""  # no place-and-date line
    texts = [p.text for p in doc.paragraphs if p.text]
    order = ["BIÊN BẢN", "Hội nghị tổng kết", "Thời gian:", "Địa điểm:", "Thành phần tham dự:",
             "Chủ trì (chủ tọa):", "Thư ký (người ghi biên bản):", "Nội dung", "Cuộc họp kết thúc vào"]
    positions = [next(i for i, t in enumerate(texts) if t.startswith(start)) for start in order]
    assert positions == sorted(positions)
    signatures = doc.tables[-1].rows[0].cells
    assert "THƯ KÝ" in signatures[0].text and "CHỦ TỌA" in signatures[1].text
    assert texts[-2:] == ["Nơi nhận:", "- Lưu: VT, Hồ sơ."]
    pdf_text = " ".join(line.text for page in (1, 2) for line in rendered.lines(page))
    assert "Hà Nội, ngày" not in pdf_text and "- Lưu: VT, Hồ sơ." in pdf_text


@pytest.mark.parametrize("name", ["cumvpdu-2017-pledge-minutes", "cumvpdu-2017-pledge"])
def test_the_party_offices_cluster_issues_in_the_party_s_form(demo: dict[str, Rendered], name: str) -> None:
    rendered = demo[name]
    text = " ".join(line.text for line in rendered.lines())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "Độc lập - Tự do - Hạnh phúc" not in text
    left = _left_header(rendered, party=True)
    assert left[-1] == "*"  # the star under the issuing body
    if name.endswith("minutes"):  # "Số 12-BB/…": no colon; a hyphen, then a slash
        number = open_docx(rendered.docx.read_bytes()).tables[0].rows[1].cells[0].text
        assert re.fullmatch(r"Số\s+-BB/\S+", number) and "Số:" not in text


@pytest.mark.parametrize("name", ["cum4-2019-report", "cum2-2018-pledge", "cum5-2018-pledge-minutes"])
def test_state_bodies_keep_the_quoc_hieu(demo: dict[str, Rendered], name: str) -> None:
    text = " ".join(line.text for line in demo[name].lines())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" not in text


def test_a_party_number_is_written_with_a_hyphen_then_a_slash() -> None:
    assert document_number(12, "BB", "VPĐU", party=True) == "12-BB/VPĐU"
    assert document_number(5, "QĐ", "CATP") == "05/QĐ-CATP"


def test_a_pledge_has_a_signature_block_for_every_signing_unit(demo: dict[str, Rendered]) -> None:
    doc = open_docx(demo["cum2-2018-pledge"].docx.read_bytes())
    grid = doc.tables[-1]
    blocks = [cell for row in grid.rows for cell in row.cells if cell.text.strip()]
    assert len(blocks) == 6  # the six units of Cụm 2 that signed in 2018
    assert all(cell.paragraphs[0].text == "ĐẠI DIỆN" for cell in blocks)
    assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)


def test_table_rows_stay_whole_and_the_heading_row_repeats(demo: dict[str, Rendered]) -> None:
    doc = open_docx(demo["cum2-2018-pledge"].docx.read_bytes())
    targets = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    heading, *rows = targets.rows
    assert heading._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in [heading, *rows])
