"""Every fixture story becomes a book that loses no word and is valid EPUB.

Fast checks (nothing lost, well-formed, links, order) run on every fixture; W3C
EPUBCheck runs on every fixture too, two JVMs at a time, marked slow.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import Epub, missing_words, run_epubcheck, structural_problems

from fic2book.encoding import decode
from fic2book.pipeline import Options, build

FIXTURES = sorted(
    p
    for d in ("structure", "stories", "encoding", *(f.name for f in (ROOT / "tests" / "fixtures").glob("heldout*")))
    for p in (ROOT / "tests" / "fixtures" / d).glob("*.txt")
)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    out = tmp_path_factory.mktemp("fixture-books")
    made = {}
    for i, story in enumerate(FIXTURES):
        (book,) = build(story, out / f"{i:03d}", Options())
        made[story] = book
    return made


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.stem}"


@pytest.mark.parametrize("story", FIXTURES, ids=_id)
def test_nothing_lost_and_well_formed(story, books):
    epub = Epub.open(books[story])
    missing = missing_words(decode(story.read_bytes()).text, epub.text())
    assert not missing, f"words dropped: {dict(missing.most_common(10))}"
    assert structural_problems(epub) == []


@pytest.mark.slow
def test_epubcheck_passes_on_every_fixture(books):
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(books, pool.map(run_epubcheck, books.values())))
    failures = {}
    for story, report in reports.items():
        summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report.stdout)
        if not summary or summary.groups() != ("0", "0", "0"):
            problems = [ln for ln in (report.stdout + report.stderr).splitlines() if ln.startswith(("ERROR", "WARNING", "FATAL"))]
            failures[_id(story)] = problems[:5] or (report.stdout + report.stderr)[-400:]
    assert not failures, failures
