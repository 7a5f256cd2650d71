"""The verify page says each kind of finding in Vietnamese, with its position, and keeps the
ledger's own detail beneath (issue 16). The page's real template, rendered by the web app's
Jinja environment; the browser journey (test_audit_journeys) shows one finding end to end."""

import re
import unicodedata

import pytest
from thidua_web.pages.audit import FINDINGS  # registers finding_sentence with the templates
from thidua_web.templating import templates

SENTENCES = {"altered": "đã bị sửa sau khi ghi", "deleted": "đã bị xoá khỏi sổ cái",
             "inserted": "bị chèn vào sổ cái", "reordered": "đã bị đảo"}


def _verdict(kind: str, position: int, detail: str) -> str:
    job = {"kind": "verify", "status": "done", "done": position - 1, "total": 40,
           "result": {"ok": False, "checked": position - 1, "finding": {"kind": kind, "position": position,
                                                                          "detail": detail}}}
    return templates.get_template("audit/job_progress_body.html").render(job=job)


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_each_finding_kind_is_a_vietnamese_sentence_with_its_position(kind: str) -> None:
    html = _verdict(kind, 17, "the ledger's own words <here>")
    sentence = re.search(r'<div class="verdict bad"[^>]*><p>(.*?)</p>', html, re.S)
    assert sentence is not None, html
    assert SENTENCES[kind] in sentence.group(1)
    assert '<strong id="finding-position">17</strong>' in sentence.group(1)
    assert f"{kind}: the ledger&#39;s own words &lt;here&gt;" in html  # beneath, escaped
    assert unicodedata.is_normalized("NFC", FINDINGS[kind])


def test_a_kind_the_page_does_not_know_is_named_not_hidden() -> None:
    html = _verdict("<new-kind>", 3, "later")
    assert "Phát hiện bất thường (&lt;new-kind&gt;) tại vị trí" in html
    assert '<strong id="finding-position">3</strong>' in html
