"""`fic2book inspect`: the table, the JSON contract, folders and overrides."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

KINDS = {"front_matter", "note", "epigraph", "heading", "scene_break", "prose", "end_matter"}


def inspect(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fic2book", "inspect", *args], capture_output=True, text=True, cwd=cwd)


def _check_contract(report: dict, text: str) -> None:
    assert set(report) == {"source", "encoding", "confidence", "newline", "paragraphs", "metadata", "blocks"}
    assert report["newline"] in {"lf", "crlf", "cr", "mixed"}
    assert isinstance(report["confidence"], float) and 0 <= report["confidence"] <= 1
    import codecs

    codecs.lookup(report["encoding"])  # a Python codec name
    assert "title" in report["metadata"] and "author" in report["metadata"]
    import re

    lines = re.split(r"\r\n|\r|\n", text)
    covered = []
    last = 0
    for block in report["blocks"]:
        assert block["kind"] in KINDS and block["rule"]
        assert last < block["first_line"] <= block["last_line"]
        last = block["last_line"]
        covered += [n for n in range(block["first_line"], block["last_line"] + 1) if lines[n - 1].strip()]
    assert covered == [n for n, line in enumerate(lines, 1) if line.strip()]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_json_contract_on_seeds(seed):
    result = inspect("--json", str(seed))
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == 1, "exactly one JSON object"
    _check_contract(json.loads(result.stdout), seed.read_text(encoding="utf-8"))


def test_table_shows_encoding_shape_and_rules():
    result = inspect(str(SEEDS[2]))
    assert result.returncode == 0
    for needle in ("encoding", "utf-8", "paragraphs", "blank-line separated", "epigraph", "chatty_preamble", "end_marker"):
        assert needle in result.stdout


def test_line_numbers_count_only_cr_and_lf(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes("A/N: hi\r\n\r\nLine\u2028with a separator.\fAnd a page break.\r\n\r\n***\r\n\r\nThe story goes on.\r\n".encode())
    report = json.loads(inspect("--json", str(story)).stdout)
    assert report["newline"] == "crlf"
    assert [(b["kind"], b["first_line"]) for b in report["blocks"]] == [
        ("note", 1), ("prose", 3), ("scene_break", 5), ("prose", 7)
    ]


def test_folder_gives_one_object_per_file(tmp_path):
    for name in ("ch10.txt", "ch2.txt", ".hidden.txt", "notes~"):
        (tmp_path / name).write_text("Chapter 1\n\nText.\n", encoding="utf-8")
    report = json.loads(inspect("--json", str(tmp_path)).stdout)
    assert [Path(f["source"]).name for f in report["files"]] == ["ch2.txt", "ch10.txt"]


def test_kind_override_wins_and_is_reported(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Some intro I wrote.\n\nThe story.\n", encoding="utf-8")
    report = json.loads(inspect("--json", "--kind", "1=note", str(story)).stdout)
    assert report["blocks"][0] == {"kind": "note", "first_line": 1, "last_line": 1, "rule": "override"}


def test_sidecar_overrides(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Some intro I wrote.\n\nThe story.\n\nMore.\n", encoding="utf-8")
    (tmp_path / "story.toml").write_text('kind = ["1=note", "5=end_matter"]\n', encoding="utf-8")
    report = json.loads(inspect("--json", str(story)).stdout)
    assert [(b["kind"], b["rule"]) for b in report["blocks"]] == [("note", "override"), ("prose", "prose"), ("end_matter", "override")]


@pytest.mark.parametrize("spec", ["1-3=bogus", "3-1=note", "x=note"])
def test_bad_override_is_a_clear_error(tmp_path, spec):
    story = tmp_path / "story.txt"
    story.write_text("Text.\n", encoding="utf-8")
    result = inspect("--json", "--kind", spec, str(story))
    assert result.returncode == 1 and "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_override_splits_a_chunk(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Dear John,\nI miss you.\nLove, Mary\n", encoding="utf-8")
    report = json.loads(inspect("--json", "--kind", "3=note", str(story)).stdout)
    assert [(b["kind"], b["first_line"], b["last_line"]) for b in report["blocks"]] == [("prose", 1, 2), ("note", 3, 3)]
