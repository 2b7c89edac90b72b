"""Metadata resolution, naming and input guards of the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from fic2book.errors import FicError
from fic2book.model import text_of
from fic2book.pipeline import Options, normalise_language, read_book, readable_name, slugify


def _story(tmp_path: Path, text: str, name: str = "my_great-story.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_title_and_author_precedence(tmp_path):
    path = _story(tmp_path, "Title: Header Title\nAuthor: Header Author\n\nStory.\n")
    book, _ = read_book(path, Options())
    assert (book.metadata.title, book.metadata.authors) == ("Header Title", ("Header Author",))
    book, _ = read_book(path, Options(title="Flag Title", author="Flag Author"))
    assert (book.metadata.title, book.metadata.authors) == ("Flag Title", ("Flag Author",))
    bare = _story(tmp_path, "Just a story.\n", "the_long-road home.txt")
    book, _ = read_book(bare, Options())
    assert (book.metadata.title, book.metadata.authors) == ("the long-road home", ("Unknown",))
    assert book.metadata.title_source == "file name"


def test_several_authors_are_split():
    assert readable_name(Path("a_b  c.txt")) == "a b c"


def test_several_authors(tmp_path):
    path = _story(tmp_path, "Author: Ann Smith & Bo Lee\n\nStory.\n")
    book, _ = read_book(path, Options())
    assert book.metadata.authors == ("Ann Smith", "Bo Lee")


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Crème Brûlée: Part 2", "creme-brulee-part-2"),
        ("So Close!", "so-close"),
        ("Война и мир", "война-и-мир"),
        ("قصة الليل", "قصة-الليل"),
        ("雨の日", "雨の日"),
        ("雨" * 100, "雨" * 66),
        ("!!!", "book"),
        ("", "book"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize("raw,tag", [("en", "en"), ("EN-gb", "en-GB"), ("pt_br", "pt-BR"), ("English", "en"),
                                     ("zh-hant-tw", "zh-Hant-TW"), ("nope nope", None), ("e", None)])
def test_language_tags(raw, tag):
    assert normalise_language(raw) == tag


def test_language_flag_reaches_the_book(tmp_path):
    book, _ = read_book(_story(tmp_path, "Story.\n"), Options(lang="de"))
    assert book.metadata.language == "de"
    with pytest.raises(FicError):
        read_book(_story(tmp_path, "Story.\n"), Options(lang="xx yy"))


def test_oversized_input_is_refused_before_reading(tmp_path):
    path = _story(tmp_path, "word " * 1000)
    with pytest.raises(FicError, match="limit"):
        read_book(path, Options(max_size=100))


def test_a_folder_without_story_files_is_refused_clearly(tmp_path):
    (tmp_path / "cover.png").write_bytes(b"x")
    with pytest.raises(FicError, match="the folder has no story files"):
        read_book(tmp_path, Options())


def test_output_never_overwrites_the_input(tmp_path):
    from fic2book.pipeline import build

    src = _story(tmp_path, "Title: x\n\nStory.\n", "x.epub")
    before = src.read_bytes()
    with pytest.raises(FicError, match="overwrite"):
        build(src, tmp_path, Options())
    assert src.read_bytes() == before


def test_markdown_heading_marks_are_not_part_of_a_txt_chapter_title(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("# One\n\nIt rained all day.\n\n## Two ##\n\nIt snowed all night.\n", encoding="utf-8")
    book, _text = read_book(story, Options())
    assert [text_of(c.title) for c in book.chapters] == ["One", "Two"]
