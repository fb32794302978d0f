"""Views of results: text, wikitext and Markdown articles, an offline HTML report, plots, plausibility check."""

FORMATS = ("text", "json", "wikitext", "markdown")


def render(result: dict, fmt: str, ensemble: dict | None = None) -> str:
    """Render a run result dictionary in one of FORMATS."""
    if fmt == "json":
        import json

        return json.dumps(result, indent=2, ensure_ascii=False, sort_keys=False)
    if fmt == "wikitext":
        from .wikitext import render_article

        return render_article(result, ensemble)
    if fmt == "markdown":
        from .markdown import render_article

        return render_article(result, ensemble)
    from .text import render_text

    return render_text(result)
