"""Input paths → source files: chapter order in a folder, what is skipped, titles from file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from fic2book.errors import FicError
from fic2book.sources import chapter_order, chapter_title, parse_chapter_name, scan_folder

# Each case: file names in any order → the reading order a reader expects.
ORDER_CASES = {
    "unpadded numbers": (["10.txt", "9.txt", "2.txt", "1.txt"], ["1.txt", "2.txt", "9.txt", "10.txt"]),
    "zero-padded and unpadded mixed": (["010.txt", "2.txt", "01.txt", "003.txt"], ["01.txt", "2.txt", "003.txt", "010.txt"]),
    "the issue's naming styles": (
        ["Afterword.txt", "10.txt", "9.txt", "Epilogue.md", "Part 1 Ch 5.txt", "ch4_final.txt", "Chapter 3 - The Rain.txt",
         "2.txt", "01.txt", "Prologue.txt"],
        ["Prologue.txt", "01.txt", "2.txt", "Chapter 3 - The Rain.txt", "ch4_final.txt", "Part 1 Ch 5.txt", "9.txt",
         "10.txt", "Epilogue.md", "Afterword.txt"],
    ),
    "prologue first, epilogue then afterword last, whatever their case": (
        ["afterword.txt", "EPILOGUE.txt", "chapter 1.txt", "prologue.txt"],
        ["prologue.txt", "chapter 1.txt", "EPILOGUE.txt", "afterword.txt"],
    ),
    "numbered prologue and epilogue": (
        ["13 - Epilogue.txt", "00 - Prologue.txt", "12.txt", "1.txt"],
        ["00 - Prologue.txt", "1.txt", "12.txt", "13 - Epilogue.txt"],
    ),
    "chapter words: ch, chap, chapter": (
        ["chap 12.txt", "ch3.txt", "Chapter 10.txt", "chapter_1.txt"],
        ["chapter_1.txt", "ch3.txt", "Chapter 10.txt", "chap 12.txt"],
    ),
    "numbers in words and roman numerals": (
        ["Chapter Twelve.txt", "Chapter IV.txt", "Chapter Two.txt", "Chapter twenty-one.txt"],
        ["Chapter Two.txt", "Chapter IV.txt", "Chapter Twelve.txt", "Chapter twenty-one.txt"],
    ),
    "chapter numbers that restart in each part": (
        ["Part 2 Ch 1.txt", "Part 1 Ch 2.txt", "Part 2 Ch 2.txt", "Part 1 Ch 1.txt"],
        ["Part 1 Ch 1.txt", "Part 1 Ch 2.txt", "Part 2 Ch 1.txt", "Part 2 Ch 2.txt"],
    ),
    "chapter numbers that run on through the parts": (
        ["Part 2 Ch 3.txt", "4.txt", "Part 1 Ch 2.txt", "1.txt"],
        ["1.txt", "Part 1 Ch 2.txt", "Part 2 Ch 3.txt", "4.txt"],
    ),
    "parts alone": (["Part 10.txt", "Part 2.txt", "Part 1.txt"], ["Part 1.txt", "Part 2.txt", "Part 10.txt"]),
    "a title with a number in it keeps the chapter number first": (
        ["2 - 10 Things.txt", "1 - Begin.txt", "3 - 99 Problems.txt"],
        ["1 - Begin.txt", "2 - 10 Things.txt", "3 - 99 Problems.txt"],
    ),
    "unnumbered chapters after the numbered ones, before the epilogue": (
        ["Interlude.txt", "Epilogue.txt", "2.txt", "1.txt", "Bonus.txt"],
        ["1.txt", "2.txt", "Bonus.txt", "Interlude.txt", "Epilogue.txt"],
    ),
    "half chapters": (["Chapter 5.txt", "Chapter 4.5.txt", "Chapter 4.txt"], ["Chapter 4.txt", "Chapter 4.5.txt", "Chapter 5.txt"]),
}  # fmt: skip


@pytest.mark.parametrize("given,expected", ORDER_CASES.values(), ids=ORDER_CASES.keys())
def test_chapter_order(given, expected):
    assert [p.name for p in chapter_order([Path(n) for n in given])] == expected


@pytest.mark.parametrize(
    "stem,part,chapter,group",
    [
        ("Part 1 Ch 2", 1, 2, 1),
        ("ch4_final", None, 4, 1),
        ("03", None, 3, 1),
        ("Chapter 3 - The Rain", None, 3, 1),
        ("Prologue", None, None, 0),
        ("Epilogue - Ten Years Later", None, None, 2),
        ("Afterword", None, None, 3),
        ("Book 2 Chapter 7", 2, 7, 1),
    ],
)
def test_what_a_file_name_says(stem, part, chapter, group):
    name = parse_chapter_name(stem)
    assert (name.part, name.chapter, name.group) == (part, chapter, group)


@pytest.mark.parametrize(
    "stem,title",
    [
        ("03", "Chapter 3"),
        ("ch4_final", "Chapter 4"),
        ("Chapter 3 - The Rain", "Chapter 3: The Rain"),
        ("Part 1 Ch 5", "Part 1, Chapter 5"),
        ("prologue", "Prologue"),
        ("00 - Prologue", "Prologue"),
        ("Epilogue - Ten Years Later", "Epilogue - Ten Years Later"),
        ("11 - homecoming", "Chapter 11: Homecoming"),
        ("03 - the storm (edited)", "Chapter 3: The storm"),
        ("Interlude", "Interlude"),
        ("my_side_story", "My side story"),
    ],
)
def test_chapter_title_from_the_file_name(stem, title):
    assert chapter_title(stem) == title


def test_folder_entries_sorted_into_chapters_cover_sidecar_and_skipped(tmp_path):
    names = ["2.txt", "1.md", "cover.png", "Cover.jpg", "fic2book.toml", "1.toml", ".DS_Store", "Thumbs.db",
             "desktop.ini", "notes.txt~", ".hidden.txt", "art.png", "story.docx", "orphan.toml"]  # fmt: skip
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "drafts").mkdir()
    folder = scan_folder(tmp_path)
    assert [p.name for p in folder.chapters] == ["1.md", "2.txt"]
    assert folder.cover == tmp_path / "Cover.jpg"  # jpg before png, whatever the case
    assert folder.sidecar == tmp_path / "fic2book.toml"
    assert set(folder.skipped) == {".DS_Store", "Thumbs.db", "desktop.ini", "notes.txt~", ".hidden.txt", "art.png",
                                   "story.docx", "orphan.toml", "drafts/", "cover.png"}  # fmt: skip
    # 1.toml is chapter 1.md's own corrections: neither a chapter nor skipped


def test_a_folder_without_chapter_files_is_refused(tmp_path):
    (tmp_path / "cover.png").write_bytes(b"x")
    (tmp_path / "notes.txt~").write_bytes(b"x")
    with pytest.raises(FicError, match="no story files"):
        scan_folder(tmp_path)


@pytest.mark.parametrize(
    "text,size",
    [("64M", 64 * 2**20), ("64 MB", 64 * 2**20), ("200mb", 200 * 2**20), ("1G", 2**30), ("1.5GiB", 3 * 2**29), ("500k", 500 * 1024), ("1048576", 2**20)],
)
def test_parse_size(text, size):
    from fic2book.sources import parse_size

    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "12x", "-5M", "0", "1T"])
def test_bad_sizes_are_refused(text):
    from fic2book.sources import parse_size

    with pytest.raises(FicError):
        parse_size(text)


def test_the_command_line_default_limit_is_the_pipeline_default():
    import inspect

    from fic2book import cli
    from fic2book.pipeline import DEFAULT_MAX_SIZE
    from fic2book.sources import format_size, parse_size

    default = inspect.signature(cli.build).parameters["max_size"].default
    assert parse_size(default) == DEFAULT_MAX_SIZE
    assert format_size(DEFAULT_MAX_SIZE) == "64 MB" and format_size(1536) == "1.5 KB" and format_size(1) == "1 byte"
