"""Shared fixtures: the seeds built once per session, and EPUBCheck run on them in parallel."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def seed_books(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Each seed built to EPUB with default options."""
    from fic2book.pipeline import Options, build

    out = tmp_path_factory.mktemp("seed-books")
    books = {}
    for seed in SEEDS:
        (written,) = build(seed, out, Options())
        books[seed] = written
    return books


@pytest.fixture(scope="session")
def epubcheck_reports(seed_books: dict[Path, Path]) -> dict[Path, object]:
    """EPUBCheck's result for every seed book, two JVMs at a time."""
    from helpers import run_epubcheck

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run_epubcheck, seed_books.values()))
    return dict(zip(seed_books, results))
