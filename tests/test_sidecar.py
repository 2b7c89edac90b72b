"""The sidecar and metadata precedence: flags > sidecar > header fields > file or folder name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Epub, missing_words

from fic2book.errors import FicError
from fic2book.metadata import parse_series
from fic2book.model import Series
from fic2book.pipeline import Options, build, read_book
from fic2book.sidecar import parse_sidecar, read_sidecar

CLI = [sys.executable, "-m", "fic2book"]
HEADER = """Title: Header Title
Author: Header Author
Fandom: Header Fandom
Rated: K+
Pairing: A/B
Summary: The header's summary.

It rained all week, and on the last day it stopped.
"""


def _story(tmp_path: Path, text: str = HEADER, sidecar: str | None = None, name: str = "the_story.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if sidecar is not None:
        path.with_suffix(".toml").write_text(sidecar, encoding="utf-8")
    return path


def _shown(book) -> dict[str, str]:
    return {f.label: f.value for f in book.metadata.fields}


# ---------------------------------------------------------------- reading the file


def test_every_key_is_read_and_normalised(tmp_path):
    text = '''title = "  T  "
author = "Ann"
authors = ["Bo", "Cy", "Bo"]
language = "de"
series = "S"
series_index = 2
summary = """One.
Two."""
tags = "single"
fandom = ["F1", "F2"]
rating = "M"
warnings = ["W"]
relationships = ["A/B"]
characters = ["A", "B"]
status = "Complete"
published = 2024-03-15
updated = "March 2024"
source = "https://example.org/w/1"
cover = "art/cover.jpg"
style = "modern"
kind = ["1-3=note"]
'''
    sidecar = parse_sidecar(text, tmp_path / "story.toml")
    v = sidecar.values
    assert v["title"] == "T" and v["authors"] == ("Ann", "Bo", "Cy") and v["series_index"] == 2.0
    assert v["summary"] == "One.\nTwo." and v["tags"] == ("single",) and v["fandom"] == ("F1", "F2")
    assert v["published"] == "2024-03-15" and v["updated"] == "March 2024"
    assert v["cover"] == (tmp_path / "art" / "cover.jpg").resolve()  # relative to the sidecar
    assert v["style"] == "modern" and v["kind"] == ("1-3=note",)
    assert sidecar.warnings == ()


def test_unknown_key_is_a_warning_that_names_it_and_its_line(tmp_path):
    sidecar = parse_sidecar('title = "T"\n\nathor = "Ann"\n[extra]\nx = 1\n', tmp_path / "story.toml")
    assert sidecar.values == {"title": "T"}
    assert len(sidecar.warnings) == 2
    assert "line 3" in sidecar.warnings[0] and "'athor'" in sidecar.warnings[0] and "did you mean author" in sidecar.warnings[0]
    assert "line 4" in sidecar.warnings[1] and "'extra'" in sidecar.warnings[1]


@pytest.mark.parametrize(
    "text,line",
    [
        ('title = "T"\nauthor = \n', 2),
        ('title = "T"\nseries = "unclosed\n', 2),
        ('a = 1\nb = 2\ntitle = "T" "U"\n', 3),
        ('title = "T"\ntitle = "U"\n', 2),
        ("[kind\n", 1),
    ],
)
def test_malformed_toml_is_an_error_with_its_line_number(tmp_path, text, line):
    with pytest.raises(FicError) as caught:
        parse_sidecar(text, tmp_path / "story.toml")
    message = str(caught.value)
    assert f"line {line}" in message and "story.toml" in message and "TOML" in message


@pytest.mark.parametrize(
    "text,line,key",
    [
        ('title = "T"\nseries_index = "two"\n', 2, "series_index"),
        ("tags = [1, 2]\n", 1, "tags"),
        ("title = 3\n", 1, "title"),
        ('\npublished = ["x"]\n', 2, "published"),
        ('kind = { "a.txt" = ["1=note"] }\n', 1, "kind"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_naming_the_key_and_line(tmp_path, text, line, key):
    with pytest.raises(FicError, match=rf"line {line}: .*{key}"):
        parse_sidecar(text, tmp_path / "story.toml")


def test_a_folder_sidecar_maps_chapter_files_to_their_corrections(tmp_path):
    sidecar = parse_sidecar('kind = { "03.txt" = ["1-3=note"], "04.txt" = "2=heading" }\n', tmp_path / "fic2book.toml",
                            folder=True)  # fmt: skip
    assert sidecar.values["kind"] == {"03.txt": ("1-3=note",), "04.txt": ("2=heading",)}
    with pytest.raises(FicError, match="file name"):
        parse_sidecar('kind = ["1=note"]\n', tmp_path / "fic2book.toml", folder=True)


def test_a_sidecar_that_is_not_utf8_or_too_big_is_refused(tmp_path):
    bad = tmp_path / "story.toml"
    bad.write_bytes(b'title = "ok"\ntitle2 = "\xff"\n')
    with pytest.raises(FicError, match="line 2.*UTF-8"):
        read_sidecar(bad)
    bad.write_bytes(b"# " + b"x" * (1024 * 1024 + 10))
    with pytest.raises(FicError, match="1 MB"):
        read_sidecar(bad)


def test_the_documented_kind_sidecar_still_works(tmp_path):
    story = _story(tmp_path, "Some intro I wrote.\n\nThe story.\n", 'kind = ["1=note"]\n')
    book, _ = read_book(story, Options())
    assert [n.blocks[0].content[0].text for n in book.notes] == ["Some intro I wrote."]


# ---------------------------------------------------------------- precedence


def test_header_beats_file_name(tmp_path):
    book, _ = read_book(_story(tmp_path), Options())
    meta = book.metadata
    assert (meta.title, meta.authors, meta.summary) == ("Header Title", ("Header Author",), "The header’s summary.")
    bare, _ = read_book(_story(tmp_path, "Just a story.\n", name="the_long_road.txt"), Options())
    assert bare.metadata.title == "the long road" and bare.metadata.title_source == "file name"


def test_sidecar_beats_header(tmp_path):
    sidecar = 'title = "Sidecar Title"\nauthors = ["Ann", "Bo"]\nrating = "Teen And Up"\nfandom = "Sidecar Fandom"\n'
    book, _ = read_book(_story(tmp_path, sidecar=sidecar), Options())
    meta = book.metadata
    assert (meta.title, meta.authors) == ("Sidecar Title", ("Ann", "Bo"))
    assert meta.title_source == "the_story.toml"
    shown = _shown(book)
    assert shown["Rating"] == "Teen And Up" and shown["Fandom"] == "Sidecar Fandom"
    assert shown["Pairing"] == "A/B"  # what the sidecar does not say, the header still does
    assert meta.subjects[0] == "Sidecar Fandom"


def test_flags_beat_sidecar(tmp_path):
    sidecar = 'title = "Sidecar Title"\nauthors = ["Ann"]\nlanguage = "de"\ntags = ["x"]\nseries = "S"\nseries_index = 1\n'
    options = Options(title="Flag Title", author="Flag Author", lang="fr", tags=("y", "z"), series="Flag Series",
                      series_index=4)  # fmt: skip
    book, _ = read_book(_story(tmp_path, sidecar=sidecar), options)
    meta = book.metadata
    assert (meta.title, meta.authors, meta.language) == ("Flag Title", ("Flag Author",), "fr")
    assert meta.series == Series("Flag Series", 4.0)
    assert _shown(book)["Tags"] == "y, z" and _shown(book)["Series"] == "Book 4 of Flag Series"
    assert meta.subjects == ("Header Fandom", "y", "z")


def test_a_series_index_flag_applies_to_the_sidecars_series(tmp_path):
    book, _ = read_book(_story(tmp_path, sidecar='series = "S"\nseries_index = 1\n'), Options(series_index=2.5))
    assert book.metadata.series == Series("S", 2.5)
    alone, _ = read_book(_story(tmp_path, "A story.\n", name="other.txt"), Options(series_index=2))
    assert alone.metadata.series is None and any("series index" in w for w in alone.warnings)


def test_the_header_series_is_read_when_nothing_else_says(tmp_path):
    book, _ = read_book(_story(tmp_path, "Series: The Marauders Saga, Book 3\n\nA story.\n"), Options())
    assert book.metadata.series == Series("The Marauders Saga", 3.0)
    assert _shown(book)["Series"] == "The Marauders Saga, Book 3"  # as written


@pytest.mark.parametrize(
    "value,series",
    [
        ("Book 2 of The Marauders Saga", Series("The Marauders Saga", 2.0)),
        ("Part 3 of Closer", Series("Closer", 3.0)),
        ("The Marauders Saga, Book 2", Series("The Marauders Saga", 2.0)),
        ("Closer #4", Series("Closer", 4.0)),
        ("Closer (Part 1.5)", Series("Closer", 1.5)),
        ("Just A Name", Series("Just A Name")),
    ],
)
def test_header_series_forms(value, series):
    assert parse_series(value) == series


def test_a_bad_sidecar_language_is_an_error(tmp_path):
    with pytest.raises(FicError, match="language"):
        read_book(_story(tmp_path, sidecar='language = "not a language"\n'), Options())


def test_header_lines_the_sidecar_overrides_move_to_the_notes_and_no_word_is_lost(tmp_path):
    sidecar = 'rating = "Teen And Up"\nrelationships = ["Alpha/Beta"]\nsummary = "Another summary."\nfandom = "Header Fandom"\n'
    story = _story(tmp_path, sidecar=sidecar)
    book, _ = read_book(story, Options())
    notes = " ".join(span.text for note in book.notes for para in note.blocks for span in para.content)
    assert "Rated: K+" in notes and "Pairing: A/B" in notes and "Summary: The header’s summary." in notes
    assert "Fandom: Header Fandom" not in notes  # the sidecar says the same: shown once, as written
    (epub,) = build(story, tmp_path / "out", Options())
    missing = missing_words(story.read_text(encoding="utf-8"), Epub.open(epub).text())
    assert not missing, missing


def test_unknown_key_reaches_the_user_on_stderr_and_in_json(tmp_path):
    story = _story(tmp_path, sidecar='title = "T"\nsries = "S"\n')
    result = subprocess.run([*CLI, "build", str(story), "-o", str(tmp_path / "o"), "--json"], capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "'sries'" in result.stderr and "warning" in result.stderr
    import json

    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert any("'sries'" in w and "line 2" in w for w in record["warnings"])


def test_a_malformed_sidecar_fails_the_build_with_one_clear_line(tmp_path):
    story = _story(tmp_path, sidecar='title = "T"\nseries = \n')
    result = subprocess.run([*CLI, "build", str(story), "-o", str(tmp_path / "o")], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the_story.toml" in lines[0] and "line 2" in lines[0] and "Traceback" not in result.stderr


def test_the_sidecar_style_is_used_unless_a_flag_says_otherwise(tmp_path):
    story = _story(tmp_path, sidecar='style = "eink"\n')
    book, _ = read_book(story, Options())
    assert book.style == "eink"
    (epub,) = build(story, tmp_path / "a", Options())
    (flagged,) = build(story, tmp_path / "b", Options(style="classic"))
    css = Epub.open(epub).read("css/style.css").decode()
    assert "Gentium" in css or "eink" in css.lower()
    assert Epub.open(flagged).read("css/style.css") != Epub.open(epub).read("css/style.css")
