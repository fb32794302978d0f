"""The campaign article as CommonMark/GFM Markdown (same content as the wikitext view)."""
from __future__ import annotations

import re

from .article import Article, build_article, section_lines

# Backslash-escapable ASCII punctuation that can start emphasis, code, links, HTML, tables or headings.
_SPECIAL = set("\\`*_{}[]#|~!")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}  # entities survive every Markdown renderer
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape(text: str) -> str:
    """Render any string as literal inline text (also safe inside a GFM table cell)."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    out = "".join("\\" + ch if ch in _SPECIAL else _ENTITIES.get(ch, ch) for ch in text)
    return _LINE_START.sub(lambda m: (m.group(1) + "\\" + m.group(2)) if m.group(1) else "\\" + m.group(3), out)


def format_markdown(article: Article) -> str:
    lines = [f"# {escape(article.title)}", "", "| | |", "|---|---|"]
    for key, values in article.infobox:
        if values:
            lines.append(f"| {escape(key)} | " + "<br>".join(escape(v) for v in values) + " |")
    lines += ["", f"**{escape(article.title)}** {escape(article.lead)}", ""]
    lines += section_lines(article, lambda level, text: ["#" * level + " " + text, ""], "- ", escape)
    return "\n".join(lines).rstrip() + "\n"


def render_article(result: dict, ensemble: dict | None = None) -> str:
    """Markdown article of a run, with the ensemble's 10–90 % bands when given."""
    return format_markdown(build_article(result, ensemble))
