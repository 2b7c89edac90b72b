"""The detector against the hand-labelled corpus in tests/fixtures/{structure,stories}.

Labels were written from the definitions in issue #3 by someone who did not read the
detector. Every fixture must match line for line, except the few listed in KNOWN_MISSES
(each with the reason); the corpus as a whole must meet the accuracy targets.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from conftest import ROOT

from fic2book.pipeline import Options
from fic2book.report import inspect_source

FIXTURES = sorted(p for d in ("structure", "stories") for p in (ROOT / "tests" / "fixtures" / d).glob("*.txt"))
KNOWN_MISSES = {
    "scene_break_centred_symbols": "a lone 'o' centred with few spaces reads as a one-letter paragraph",
    "usenet_xfiles_two_parts": "an unlabelled sentence under a repeated header block stays prose",
}


def _line_kinds(blocks: list[dict], lines: list[str]) -> dict[int, str]:
    return {n: b["kind"] for b in blocks for n in range(b["first_line"], b["last_line"] + 1) if lines[n - 1].strip()}


def _compare(story: Path) -> list[tuple[int, str, str]]:
    labels = json.loads((story.parent / f"{story.stem}.labels.json").read_text(encoding="utf-8"))
    lines = re.split(r"\r\n|\r|\n", story.read_text(encoding="utf-8"))
    truth = _line_kinds(labels["blocks"], lines)
    got = _line_kinds(inspect_source(story, Options())["blocks"], lines)
    return [(n, truth[n], got.get(n, "missing")) for n in sorted(truth) if got.get(n) != truth[n]]


@pytest.mark.parametrize("story", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_reads_as_labelled(story):
    wrong = _compare(story)
    if story.stem in KNOWN_MISSES:
        assert wrong, f"{story.stem} now passes: remove it from KNOWN_MISSES"
        pytest.xfail(KNOWN_MISSES[story.stem])
    assert not wrong, wrong


HELDOUT = {folder.name: sorted(folder.glob("*.txt")) for folder in sorted((ROOT / "tests" / "fixtures").glob("heldout*"))}
# A blind set that has not reached the targets gets a floor just under its score, so a
# regression fails here; every set reaches them now.
FLOORS: dict[str, tuple[float, float]] = {}


@pytest.mark.parametrize("corpus", ["tuned", *HELDOUT])
def test_corpus_meets_the_accuracy_targets(corpus):
    """Line accuracy >= 98 % and macro F1 >= 0.90 on every corpus tuned for.

    The held-out sets were written blind to the detector; their first-contact scores
    (before any rule was changed for them) are in the README.
    """
    score = runpy.run_path(str(ROOT / "scripts" / "score"))
    pairs = []
    for story in FIXTURES if corpus == "tuned" else HELDOUT[corpus]:
        pairs.extend(score["score_file"](story)[0])
    result = score["summarise"](pairs)
    accuracy, macro_f1 = FLOORS.get(corpus, (0.98, 0.90))
    assert result["accuracy"] >= accuracy, result
    assert result["macro_f1"] >= macro_f1, result


def test_every_labels_file_is_well_formed():
    """The labels themselves: kinds spelled right, ranges in order, every non-blank line once."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tests" / "fixtures" / "check_labels.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
