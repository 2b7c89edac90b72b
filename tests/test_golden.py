"""The seeds read exactly as their reviewed golden files say, and as issue #3 specifies."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS

GOLDEN = ROOT / "tests" / "golden"


def _inspect(seed) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "fic2book", "inspect", "--json", str(seed.relative_to(ROOT))],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_matches_its_golden_file(seed):
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    assert _inspect(seed) == golden, "detection changed: run scripts/regen-golden and review the diff"


def _kinds(report: dict) -> dict[int, str]:
    return {n: b["kind"] for b in report["blocks"] for n in range(b["first_line"], b["last_line"] + 1)}


def _nonblank(seed) -> list[int]:
    return [n for n, line in enumerate(seed.read_text(encoding="utf-8").split("\n"), 1) if line.strip()]


def test_seed_000_header_fields_and_note_then_prose():
    seed = ROOT / "seeds" / "000_c3c29a19c2fe6e3b.txt"
    kinds = _kinds(_inspect(seed))
    for n in _nonblank(seed):
        expected = "front_matter" if n <= 5 else "note" if n == 7 else "prose"
        assert kinds[n] == expected, (n, kinds[n])


def test_seed_001_is_all_prose():
    seed = ROOT / "seeds" / "001_7c3c02774addaa2f.txt"
    kinds = _kinds(_inspect(seed))
    assert {kinds[n] for n in _nonblank(seed)} == {"prose"}


def test_seed_002_notes_lyrics_epigraph_prose_tbc_and_plea():
    seed = ROOT / "seeds" / "002_a2ee2a2070339c48.txt"
    kinds = _kinds(_inspect(seed))
    lines = seed.read_text(encoding="utf-8").split("\n")
    tbc = next(n for n, line in enumerate(lines, 1) if line.strip() == "tbc.")
    plea = next(n for n, line in enumerate(lines, 1) if line.strip() == "Let me know what you think!")
    for n in _nonblank(seed):
        if n <= 3:
            expected = "note"
        elif n <= 17:
            expected = "epigraph"
        elif n == tbc:
            expected = "end_matter"
        elif n == plea:
            expected = "note"
        else:
            expected = "prose"
        assert kinds[n] == expected, (n, kinds[n], lines[n - 1][:40])


def test_golden_files_are_regenerated_by_the_script(tmp_path):
    """The regeneration command writes exactly what the test compares against."""
    script = ROOT / "scripts" / "regen-golden"
    env = dict(os.environ)
    code = f"import runpy,sys; sys.argv=['x']; g=runpy.run_path({str(script)!r}); print(g['golden_for'](__import__('pathlib').Path({str(SEEDS[0])!r})), end='')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert json.loads(out) == json.loads((GOLDEN / f"{SEEDS[0].stem}.json").read_text(encoding="utf-8"))
