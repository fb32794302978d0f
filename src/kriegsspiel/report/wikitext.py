"""The campaign article as MediaWiki wikitext with {{Infobox military conflict}}."""
from __future__ import annotations

import re

from .article import Article, build_article, section_lines

# Characters that would open or close templates, links, tables, tags or entities.
_CHARS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "{": "&#123;", "}": "&#125;",
          "[": "&#91;", "]": "&#93;", "=": "&#61;", "~": "&#126;"}
# Runs of two are markup ('' italics, __TOC__ magic words); a lone ' or _ is plain text.
_PAIRS = re.compile(r"'(?=')|_(?=_)")
_LINE_START = "*#:;- !"


def escape(text: str) -> str:
    """Render any string as literal text inside a paragraph, heading or template parameter."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    out = "".join(_CHARS.get(ch, ch) for ch in text)
    out = _PAIRS.sub(lambda m: f"&#{ord(m.group(0))};", out)
    if out and out[0] in _LINE_START:
        out = f"&#{ord(out[0])};" + out[1:]
    return out


def format_wikitext(article: Article) -> str:
    width = max(len(k) for k, _ in article.infobox)
    lines = ["{{Infobox military conflict"]
    for key, values in article.infobox:
        lines.append(f"| {key.ljust(width)} = " + "<br />".join(escape(v) for v in values))
    lines += ["}}", f"'''{escape(article.title)}''' {escape(article.lead)}", ""]
    lines += section_lines(article, lambda level, text: [f"{'=' * level} {text} {'=' * level}"], "* ", escape)
    return "\n".join(lines).rstrip() + "\n"


def render_article(result: dict, ensemble: dict | None = None) -> str:
    """MediaWiki article of a run, with the ensemble's 10–90 % bands when given."""
    return format_wikitext(build_article(result, ensemble))
