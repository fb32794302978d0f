import re

import pytest

from kriegsspiel.report import markdown, wikitext
from kriegsspiel.report.html import render_html, script_json


def test_wikitext_escape_neutralises_markup():
    out = wikitext.escape("}}{{|result=[[x]]<script>alert(1)</script>''b''__TOC__~~~~")
    for bad in ("}}", "{{", "|", "[[", "]]", "<script", "''", "__", "~~~"):
        assert bad not in out
    assert wikitext.escape("* not a list").startswith("&#42;")


def test_hostile_strings_cannot_break_the_infobox(hostile_result):
    text = wikitext.render_article(hostile_result)
    body = text[:text.index("\n}}") + 3]
    # exactly one template opens and closes, and every parameter line is a real one
    assert body.count("{{") == 1 and body.count("}}") == 1
    keys = re.findall(r"^\| (\w+)\s*=", body, re.M)
    assert keys.count("result") == 1
    assert all(line.startswith(("| ", "{{", "}}")) for line in body.splitlines())
    assert "<script" not in text and "[[" not in text and "]]" not in text
    assert text.count("{{") == 1 and text.count("}}") == 1


def test_markdown_escape():
    out = markdown.escape("<script>alert(1)</script> *b* _i_ `c` [l](u) |x| # h")
    assert "<script" not in out and "\\*b\\*" in out and "\\|x\\|" in out and "\\[l\\]" in out
    assert markdown.escape("1. item") == "1\\. item"
    assert markdown.escape("- item") == "\\- item"


def test_hostile_markdown_table_stays_two_columns(hostile_result):
    md = markdown.render_article(hostile_result)
    assert "<script" not in md
    for line in md.splitlines():
        if line.startswith("| ") and "<br>" not in line:
            assert len(re.findall(r"(?<!\\)\|", line)) == 3


def test_html_escapes_hostile_strings(hostile_result):
    page = render_html(hostile_result)
    assert page.count("<script") == 2  # the data block and the page's own script
    assert "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "<!--", "\u2028", "&amp;"])
def test_script_json_cannot_close_its_block(value):
    import json

    text = script_json({"x": value})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": value}


def test_the_html_infobox_speaks_to_a_reader(result, ensemble):
    # the HTML infobox showed the template's field names (combatant1, casualties3)
    page = render_html(result, ensemble)
    box = page[page.index('<table class="infobox">'):page.index("</table>", page.index('<table class="infobox">'))]
    for raw in ("combatant1", "commander2", "casualties1", "casualties3", "strength1", "partof"):
        assert raw not in box
    for label in ("Belligerents", "Casualties and losses", "Date", "Result"):
        assert label in box
    assert '<nav class="toc">' in page and 'href="#sec-0"' in page and 'id="sec-0"' in page
