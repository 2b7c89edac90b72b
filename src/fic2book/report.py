"""What ``fic2book inspect`` shows: how a story was decoded and read, and why.

:func:`inspect_source` runs the reading stages (no writer) and returns a plain
dict in the documented JSON shape; :func:`format_table` renders the same dict
for people. Blocks are the detector's chunks: in order, never overlapping,
covering every non-blank line exactly once.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from .pipeline import Options, read_book
from .sidecar import read_sidecar
from .sources import scan_folder

TEXT_PREVIEW = 48


def _codec_name(encoding: str) -> str:
    """A Python codec name for the JSON report ("utf-8+cp1252" → "utf-8")."""
    primary = encoding.split("+", 1)[0]
    try:
        return codecs.lookup(primary).name
    except LookupError:
        return primary


def _newline(style: str) -> str:
    style = style.lower()
    if style.startswith("mixed"):
        return "mixed"
    return style if style in ("lf", "crlf", "cr") else "lf"


def _field_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def inspect_input(path: Path, options: Options) -> list[dict[str, Any]]:
    """The reports for a story file (one) or a folder of chapters (one per chapter file, in reading order).

    A chapter is read with the corrections its folder's sidecar gives it (``kind`` keyed by file name).
    """
    if not path.is_dir():
        return [inspect_source(path, options)]
    folder = scan_folder(path)
    table = read_sidecar(folder.sidecar, folder=True).get("kind") or {}
    return [
        inspect_source(chapter, replace(options, kinds=(*table.get(chapter.name, ()), *options.kinds)))
        for chapter in folder.chapters
    ]


def inspect_source(path: Path, options: Options) -> dict[str, Any]:
    """The report for one story file."""
    book, _text = read_book(path, options)
    meta = book.metadata
    info = book.sources[0]
    metadata: dict[str, Any] = {
        "title": meta.title if meta.title_source != "file name" else None,
        "author": ", ".join(meta.authors) if meta.author_source != "default" else None,
    }
    if meta.summary:
        metadata["summary"] = meta.summary
    for field_ in meta.fields:
        metadata.setdefault(_field_key(field_.label), field_.value)
    return {
        "source": str(path),
        "encoding": _codec_name(info.encoding),
        "confidence": round(float(info.confidence), 3),
        "newline": _newline(info.newline),
        "paragraphs": book.shape,
        "metadata": metadata,
        "blocks": [
            {"kind": b.kind, "first_line": b.first_line, "last_line": b.last_line, "rule": b.rule} for b in book.detected
        ],
        # for the table only; removed from JSON output
        "_texts": [b.text for b in book.detected],
        "_encoding_detail": {"name": info.encoding, "reason": info.reason, "repairs": info.repairs, "warnings": info.warnings},
    }


def public(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the table-only keys."""
    return {k: v for k, v in report.items() if not k.startswith("_")}


def format_table(report: dict[str, Any]) -> str:
    """A readable table: decoding, metadata, then one row per block."""
    detail = report["_encoding_detail"]
    lines = [
        f"{report['source']}",
        f"  encoding   {detail['name']} (confidence {report['confidence']:.2f}: {detail['reason']})",
        f"  newlines   {report['newline']}",
        f"  paragraphs {report['paragraphs']}",
    ]
    for note in detail["repairs"]:
        lines.append(f"  repaired   {note}")
    for note in detail["warnings"]:
        lines.append(f"  warning    {note}")
    for key, value in report["metadata"].items():
        shown = "(not in the text)" if value is None else str(value).replace("\n", " ")
        lines.append(f"  {key:<10} {shown[:100]}")
    lines.append("")
    lines.append(f"  {'lines':<11} {'kind':<12} {'rule':<20} text")
    for block, text in zip(report["blocks"], report["_texts"]):
        span = str(block["first_line"]) if block["first_line"] == block["last_line"] else f"{block['first_line']}-{block['last_line']}"
        preview = " ".join(text.split())
        if len(preview) > TEXT_PREVIEW:
            preview = preview[: TEXT_PREVIEW - 1] + "…"
        lines.append(f"  {span:<11} {block['kind']:<12} {block['rule']:<20} {preview}")
    return "\n".join(lines)
