"""Building blocks of every template: page, header table, title, body paragraphs, tables,
signature blocks. Sizes and spacing follow Nghị định 30/2020/NĐ-CP, Phụ lục I."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips
from docx.table import Table

from thidua_documents.formatting import bold_text_width_twips, centred_rule_indent
from thidua_documents.rendering import CoreProperties, fix_core_properties
from thidua_documents.rendering import save as save_fixed

FONT = "Times New Roman"
TEXT_WIDTH = 9355  # twips: 210 mm less the 30 mm and 15 mm margins
# The decree draws the header as two roughly equal halves and gives no widths. The State's
# right half holds the Quốc hiệu on one line (13 pt bold: 9.5 cm), so it takes 9.6 cm and
# the left 6.9 cm, enough for "CÔNG AN THÀNH PHỐ HÀ NỘI" (13 pt: 6.5 cm). The Party's
# right half holds only "ĐẢNG CỘNG SẢN VIỆT NAM" (15 pt bold: 7.3 cm): there the left half,
# with its names at 14 pt, takes 9 cm. The template reads the widths from `hdr`.
STATE_COLUMNS = (3912, 5443)
PARTY_COLUMNS = (5103, 4252)
LEFT_COLUMN, RIGHT_COLUMN = STATE_COLUMNS
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
MOTTO_RULE_INDENT = centred_rule_indent(RIGHT_COLUMN, bold_text_width_twips(MOTTO, 14))
PARTY_RULE_INDENT = centred_rule_indent(PARTY_COLUMNS[1], bold_text_width_twips(PARTY, 15))
FIRST_LINE_INDENT = Cm(1.27)
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
         "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
Container = Any  # a Document, a table cell or a header: anything with add_paragraph()


@dataclass(frozen=True)
class R:
    """One run of text and its style; the size defaults to the body's 14 pt."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float = 14


def _w(element: Any, name: str, **attributes: str) -> Any:
    child = OxmlElement(f"w:{name}")
    for key, value in attributes.items():
        child.set(qn(f"w:{key}"), str(value))
    element.append(child)
    return child


_TBL_PR = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
           "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
           "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


_TR_PR = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
          "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")


def _put(parent: Any, name: str, order: tuple[str, ...], **attributes: str) -> Any:
    """Set the child `name` (replacing one already there) at its place in the schema order,
    which Word enforces."""
    tag_name = f"w:{name}"
    for old in parent.findall(qn(tag_name)):
        parent.remove(old)
    child = OxmlElement(tag_name)
    for key, value in attributes.items():
        child.set(qn(f"w:{key}"), str(value))
    parent.insert_element_before(child, *order[order.index(tag_name) + 1:])
    return child


def new_document() -> DocumentType:
    doc = Document()
    # python-docx's own thumbnail and leftovers of its default template have no place in an
    # official document (and only slow every render down).
    for rels, unwanted in ((doc.part.package.rels, {"thumbnail"}),
                           (doc.part.rels, {"stylesWithEffects", "customXml"})):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.rsplit("/", 1)[-1] in unwanted]:
            rels.pop(rid)
    body = doc.element.body
    for paragraph in body.findall(qn("w:p")):  # the default template's empty first paragraph
        body.remove(paragraph)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):  # Vietnamese must not fall back to another face
        fonts.set(qn(f"w:{slot}"), FONT)
    _w(normal.element.get_or_add_rPr(), "lang", val="vi-VN")
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_numbers(section)
    return doc


def _page_numbers(section: Any) -> None:
    """A centred PAGE field in the header; none on page 1 (titlePg, an empty first-page header)."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(14)
        run.font.name = FONT
        if kind:
            _w(run._r, "fldChar", fldCharType=kind)
        elif text == " PAGE ":
            instr = _w(run._r, "instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
        else:
            run.text = text


def para(parent: Container, *runs: R, align: str = "justify", indent: bool = True, before: float = 0,
         after: float = 6, keep_with_next: bool = False, page_break_before: bool = False) -> Any:
    """A body paragraph: justified, 1.27 cm first-line indent, 6 pt after, single spacing."""
    paragraph = parent.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.first_line_indent = FIRST_LINE_INDENT if indent else Twips(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if keep_with_next:
        fmt.keep_with_next = True
    if page_break_before:
        fmt.page_break_before = True
    for spec in runs:
        run = paragraph.add_run(spec.text)
        run.bold, run.italic = spec.bold, spec.italic
        run.font.size = Pt(spec.size)
    return paragraph


def tag(parent: Container, jinja: str) -> None:
    """A paragraph holding only a `{%p ... %}` tag; docxtpl removes it when rendering."""
    parent.add_paragraph().add_run(jinja)


def heading(parent: Container, text: str) -> None:
    para(parent, R(text, bold=True), before=6, keep_with_next=True)


def lines(parent: Container, variable: str, italic: bool = False) -> None:
    """One paragraph per item of a list in the context."""
    tag(parent, f"{{%p for line in {variable} %}}")
    para(parent, R("{{ line }}", italic=italic))
    tag(parent, "{%p endfor %}")


def rule(parent: Container, indent: int | str, after: float = 0) -> None:
    """A solid line in a paragraph of its own, below its text and clear of it (Phụ lục I
    §II.1: "đặt cân đối so với dòng chữ"): the bottom border of an empty paragraph 6 pt high,
    its length set by equal left and right indents (a number, or a Jinja expression the
    context fills per document). Never an underline of the text, nor a border of it."""
    paragraph = parent.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    _w(borders, "bottom", val="single", sz="6", space="0", color="000000")
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    spacing = ppr.get_or_add_spacing()
    spacing.set(qn("w:line"), "120")
    spacing.set(qn("w:lineRule"), "exact")
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:left"), str(indent))
    ind.set(qn("w:right"), str(indent))
    ind.set(qn("w:firstLine"), "0")
    _w(_w(ppr, "rPr"), "sz", val="4")  # the empty paragraph's own text: 2 pt


def _borderless(table: Table) -> None:
    borders = _put(table._tbl.tblPr, "tblBorders", _TBL_PR)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _w(borders, side, val="nil")


def _widths(table: Table, widths: list[int], zero_margins: bool = False) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    _put(tbl_pr, "tblW", _TBL_PR, w=str(sum(widths)), type="dxa")
    _put(tbl_pr, "tblLayout", _TBL_PR, type="fixed")
    if zero_margins:  # the header's rules are computed against the full column width
        margins = _put(tbl_pr, "tblCellMar", _TBL_PR)
        for side in ("left", "right"):
            _w(margins, side, w="0", type="dxa")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
    for row in table.rows:  # row.cells, not table.cell(i, j): the latter is quadratic
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _cells(table: Table, row: int) -> tuple[Any, ...]:
    """A row's cells, emptied of the paragraph python-docx puts in each."""
    cells = table.rows[row].cells
    for cell in cells:
        for paragraph in cell.paragraphs:
            cell._tc.remove(paragraph._p)
    return cells


def _jinja_widths(table: Table, widths: tuple[str, str]) -> None:
    """Column widths the context sets per document (docxtpl renders attributes too)."""
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), width)
    for row in table.rows:
        for tc, width in zip(row._tr.findall(qn("w:tc")), widths, strict=True):
            tc.tcPr.find(qn("w:tcW")).set(qn("w:w"), width)


def _names(cell: Any, size: float) -> None:
    tag(cell, "{%p for line in hdr.parent_lines %}")
    para(cell, R("{{ line }}", size=size), align="center", indent=False, after=0)
    tag(cell, "{%p endfor %}")
    tag(cell, "{%p for line in hdr.issuer_lines %}")
    para(cell, R("{{ line }}", bold=True, size=size), align="center", indent=False, after=0)
    tag(cell, "{%p endfor %}")


def header_table(doc: DocumentType, numbered: bool = True, dated: bool = True) -> None:
    """The two-column header, a borderless table, in the form of the issuing body
    (`hdr.party`): the State's (Nghị định 30/2020, Phụ lục I §II.1–5) or the Party's
    (Hướng dẫn 36-HD/VPTW).

    Left: the parent (upright) and the issuing body (bold), each a paragraph per line as
    laid out by `formatting.name_lines` (never broken inside a proper name); under them a
    short rule (State) or the star (Party); then the number. Right: the Quốc hiệu and the
    Tiêu ngữ with a rule as long as it (State), or "ĐẢNG CỘNG SẢN VIỆT NAM" with its rule
    (Party); then the place and date, which minutes do not carry (`dated=False`, Mẫu 1.9)."""
    table = doc.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, [LEFT_COLUMN, RIGHT_COLUMN], zero_margins=True)
    _jinja_widths(table, ("{{ hdr.left_width }}", "{{ hdr.right_width }}"))
    left, right = _cells(table, 0)
    tag(left, "{%p if hdr.party %}")
    _names(left, 14)
    para(left, R("*", size=14), align="center", indent=False, after=0)
    tag(left, "{%p else %}")
    _names(left, 13)
    rule(left, "{{ hdr.issuer_rule }}")
    tag(left, "{%p endif %}")
    tag(right, "{%p if hdr.party %}")
    para(right, R(PARTY, bold=True, size=15), align="center", indent=False, after=0)
    rule(right, PARTY_RULE_INDENT)
    tag(right, "{%p else %}")
    para(right, R("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13), align="center", indent=False,
         after=0)
    para(right, R(MOTTO, bold=True, size=14), align="center", indent=False, after=0)
    rule(right, MOTTO_RULE_INDENT)
    tag(right, "{%p endif %}")
    number, date_cell = _cells(table, 1)
    para(number, R("{{ hdr.number_line }}" if numbered else "", size=13), align="center", indent=False,
         before=6)
    para(date_cell, R("{{ hdr.date_line }}" if dated else "", italic=True, size=14), align="center",
         indent=False, before=6)


def title_block(doc: DocumentType, kind: str) -> None:
    """The document type, its summary ("Về việc ...") and a short rule below."""
    para(doc, R(kind, bold=True), align="center", indent=False, before=18, after=0, keep_with_next=True)
    para(doc, R("{{ summary }}", bold=True), align="center", indent=False, after=0, keep_with_next=True)
    rule(doc, "{{ summary_rule }}")


def data_table(doc: DocumentType, loop: str, columns: list[tuple[str, int, str]]) -> None:
    """A ruled table: a bold header row repeated on every page, then one row per item of
    `loop` ("x in items"); columns are (heading, width in twips, cell expression)."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    _widths(table, [width for _, width, _ in columns])
    header = _cells(table, 0)
    _put(table.rows[0]._tr.get_or_add_trPr(), "tblHeader", _TR_PR)
    for cell, (title, _, _) in zip(header, columns, strict=True):
        para(cell, R(title, bold=True, size=13), align="center", indent=False, before=2, after=2)
    opening, row, closing = _cells(table, 1), _cells(table, 2), _cells(table, 3)
    for index_row in (0, 2):  # the heading row and every item row stay whole on one page
        _put(table.rows[index_row]._tr.get_or_add_trPr(), "cantSplit", _TR_PR)
    for index, (cell, (_, _, expression)) in enumerate(zip(row, columns, strict=True)):
        centred = index == 0 or any(word in expression for word in ("no }}", "rank", "votes", "share",
                                                                      "total", "self", "cross", "max_points"))
        para(cell, R(expression, size=13), align="center" if centred else "left", indent=False,
             before=2, after=2)
    for index, cell in enumerate(opening):
        para(cell, R(f"{{%tr for {loop} %}}" if index == 0 else ""), indent=False)
    for index, cell in enumerate(closing):
        para(cell, R("{%tr endfor %}" if index == 0 else ""), indent=False)


def _signature(cell: Any, titles: str, name: str) -> None:
    """Authority lines (upper, bold), room to sign, then the signer's name (bold)."""
    tag(cell, f"{{%p for line in {titles} %}}")
    para(cell, R("{{ line }}", bold=True), align="center", indent=False, after=0)
    tag(cell, "{%p endfor %}")
    para(cell, R(name, bold=True), align="center", indent=False, before=72, after=0)


def copies_and_signature(doc: DocumentType) -> None:
    """"Nơi nhận:" (bold italic 12) and its list (11) bottom left; the signature on the right."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [4300, 5055])
    left, right = _cells(table, 0)
    para(left, R("Nơi nhận:", bold=True, italic=True, size=12), align="left", indent=False, before=12,
         after=0)
    tag(left, "{%p for line in copies %}")
    para(left, R("{{ line }}", size=11), align="left", indent=False, after=0)
    tag(left, "{%p endfor %}")
    para(right, R(""), indent=False, before=6, after=0)
    _signature(right, "sign.title_lines", "{{ sign.name }}")


def two_signatures(doc: DocumentType, left: tuple[str, str] = ("left.title_lines", "{{ left.name }}"),
                   right: tuple[str, str] = ("right.title_lines", "{{ right.name }}")) -> None:
    """Minutes end with two signatures side by side (THƯ KÝ left, CHỦ TỌA right)."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [4677, 4678])
    left_cell, right_cell = _cells(table, 0)
    for cell, (titles, name) in ((left_cell, left), (right_cell, right)):
        para(cell, R(""), indent=False, before=6, after=0)
        _signature(cell, titles, name)


def closing_and_minute_signatures(doc: DocumentType) -> None:
    """The end of minutes as Mẫu 1.9 draws it: the closing time, THƯ KÝ left and CHỦ TỌA
    right, then, flush left, "Nơi nhận:" and "- Lưu: VT, Hồ sơ."."""
    para(doc, R("Cuộc họp kết thúc vào {{ closing }}./."), before=6)
    two_signatures(doc)
    minutes_copies(doc)


def minutes_copies(doc: DocumentType) -> None:
    para(doc, R("Nơi nhận:", bold=True, italic=True, size=12), align="left", indent=False, before=12,
         after=0)
    tag(doc, "{%p for line in minutes_copies %}")
    para(doc, R("{{ line }}", size=11), align="left", indent=False, after=0)
    tag(doc, "{%p endfor %}")
    para(doc, R("- Lưu: VT, Hồ sơ.", size=11), align="left", indent=False, after=0)


def signature_grid(doc: DocumentType) -> None:
    """A signature block for every signing unit, two to a row (borderless): "ĐẠI DIỆN" and
    the unit, the representative's post where the ledger has it, room to sign, then the
    representative (rank and name). A row is never split across pages."""
    table = doc.add_table(rows=3, cols=2)
    _borderless(table)
    _widths(table, [4677, 4678])
    opening, row, closing = _cells(table, 0), _cells(table, 1), _cells(table, 2)
    _put(table.rows[1]._tr.get_or_add_trPr(), "cantSplit", _TR_PR)
    para(opening[0], R("{%tr for pair in signature_rows %}"), indent=False)
    para(opening[1], R(""), indent=False)
    for cell, side in zip(row, ("pair.left", "pair.right"), strict=True):
        tag(cell, f"{{%p if {side}.unit %}}")
        para(cell, R("ĐẠI DIỆN", bold=True, size=13), align="center", indent=False, before=12, after=0)
        tag(cell, "{%p endif %}")
        para(cell, R(f"{{{{ {side}.unit }}}}", bold=True, size=13), align="center", indent=False, after=0)
        tag(cell, f"{{%p if {side}.post %}}")
        para(cell, R(f"{{{{ {side}.post }}}}", bold=True, size=13), align="center", indent=False, after=0)
        tag(cell, "{%p endif %}")
        para(cell, R(f"{{{{ {side}.name }}}}", bold=True, size=13), align="center", indent=False, before=60,
             after=6)
    para(closing[0], R("{%tr endfor %}"), indent=False)
    para(closing[1], R(""), indent=False)


def save(doc: DocumentType, path: Path) -> None:
    """Saved like a rendered document (fixed properties and zip times): the same file each build."""
    fix_core_properties(doc, CoreProperties(title=path.stem, author="thidua documents",
                                            dated=date(2026, 1, 1)))
    path.write_bytes(save_fixed(doc))
