"""Writing a fitted parameter file (data/parameters/NAME.yaml): a comment header, then the document."""

from __future__ import annotations

from pathlib import Path


def write_parameters(name: str, head: str, doc: dict, path=None) -> Path:
    """Write `doc` as YAML under the comment lines `head` to data/parameters/`name` (or `path`)."""
    import yaml

    path = Path(path or Path(__file__).resolve().parents[1] / "data" / "parameters" / name)
    comment = "".join(f"# {line}\n" for line in head.strip("\n").split("\n"))
    path.write_text(comment + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110), "utf-8")
    return path
