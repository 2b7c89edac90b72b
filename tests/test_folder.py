"""A folder of chapter files becomes one book (issue #6), checked on tests/fixtures/folders/lantern-keeper.

The fixture: 14 chapter files in mixed naming styles (Prologue.txt, 01.txt, 2.txt, Chapter 3 - The Rain.txt,
ch4_final.txt, Part 1 Ch 5.txt, 6–10.txt, 11 - Homecoming.md, Epilogue.md, Afterword.txt), the same disclaimer
at the top of each, an author's note before and after each chapter, a header in the first file that the
sidecar (fic2book.toml) partly overrides, a cover.png, and junk: .DS_Store, Thumbs.db, notes.txt~,
.hidden.txt, fanart.jpg.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import NS, Epub, run_epubcheck, structural_problems, words
from lxml import etree
from PIL import Image

from fic2book.encoding import decode
from fic2book.errors import FicError
from fic2book.pipeline import Options, build, read_book
from fic2book.sources import scan_folder

FOLDER = ROOT / "tests" / "fixtures" / "folders" / "lantern-keeper"
CLI = [sys.executable, "-m", "fic2book"]
DISCLAIMER = "Disclaimer: Harry Potter and everything in it belongs to J. K. Rowling. I only own the lighthouse and the moths."
# file → its chapter's title in the book: the file's own heading, else its name made readable
CHAPTERS = [
    ("Prologue.txt", "Prologue"),
    ("01.txt", "Chapter 1"),
    ("2.txt", "Chapter Two: The Lamp Room"),
    ("Chapter 3 - The Rain.txt", "Chapter 3: The Rain"),
    ("ch4_final.txt", "Chapter Four: Moths"),
    ("Part 1 Ch 5.txt", "Chapter Five: Supper"),
    ("6.txt", "Chapter 6"),
    ("7.txt", "Chapter Seven: The Storm"),
    ("8.txt", "Chapter Eight: Keep, Warn, Return"),
    ("9.txt", "Chapter 9"),
    ("10.txt", "Chapter Ten: Letters"),
    ("11 - Homecoming.md", "Chapter 11: Homecoming"),
    ("Epilogue.md", "Epilogue"),
    ("Afterword.txt", "Afterword"),
]
SKIPPED = [".DS_Store", ".hidden.txt", "fanart.jpg", "notes.txt~", "Thumbs.db"]
X = f"{{{NS['x']}}}"


def fold(text: str) -> str:
    """Text with typography undone and white space collapsed, to find a source sentence in the book."""
    return " ".join(text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "…": "..."})).split())


def source_text(name: str) -> str:
    return decode((FOLDER / name).read_bytes()).text


def story_lines(name: str) -> list[str]:
    """A chapter file's paragraphs that are story: not the disclaimer, notes or header."""
    paras = [p.strip() for p in source_text(name).split("\n\n") if p.strip()]
    return [
        p for p in paras
        if not p.startswith(("Disclaimer:", "A/N:", "Title:", "#")) and ":" not in p[:12] and any(c.isalpha() for c in p)
        and not re.fullmatch(r"(Chapter|Prologue|Epilogue|Afterword)\b[^.]*", p)  # the chapter's heading
    ]  # fmt: skip


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("folder-book")
    epub, pdf = build(FOLDER, out, Options(formats=("epub", "pdf")))
    return {"epub": epub, "pdf": pdf}


@pytest.fixture(scope="module")
def epub(books: dict[str, Path]) -> Epub:
    return Epub.open(books["epub"])


def chapter_hrefs(book: Epub) -> list[str]:
    return [h for h in book.spine_hrefs() if re.fullmatch(r"ch\d+\.xhtml", h)]


# ---------------------------------------------------------------- order


def test_the_fixture_is_what_the_issue_asks_for():
    folder = scan_folder(FOLDER)
    assert len(folder.chapters) >= 12
    assert [p.name for p in folder.chapters] == [name for name, _title in CHAPTERS]
    assert folder.cover == FOLDER / "cover.png" and folder.sidecar == FOLDER / "fic2book.toml"
    assert list(folder.skipped) == SKIPPED


def test_chapters_in_spine_nav_and_ncx_in_reading_order(epub):
    hrefs = chapter_hrefs(epub)
    assert len(hrefs) == len(CHAPTERS)
    nav = epub.xhtml(epub.nav_href()).find(".//x:nav[@epub:type='toc']", NS)
    entries = [(a.get("href"), a.text) for a in nav.iter(f"{X}a")]
    assert entries[0] == ("title.xhtml", "Title Page") and entries[-1] == ("notes.xhtml", "Notes")
    assert entries[1:-1] == list(zip(hrefs, [title for _name, title in CHAPTERS]))
    ncx_item = next(i for i in epub.manifest().values() if i.get("media-type") == "application/x-dtbncx+xml")
    ncx = etree.fromstring(epub.read(ncx_item.get("href")))
    assert [c.get("src") for c in ncx.iter(f"{{{NS['ncx']}}}content")] == [href for href, _t in entries]
    assert epub.spine_hrefs()[:2] == ["cover.xhtml", "title.xhtml"] and epub.spine_hrefs()[-1] == "notes.xhtml"
    assert structural_problems(epub) == []


def test_each_file_became_its_chapter(epub):
    for (name, title), href in zip(CHAPTERS, chapter_hrefs(epub)):
        page = epub.xhtml(href)
        heading = page.find(f".//{X}h1")
        assert heading is not None and fold("".join(heading.itertext())) == fold(title)
        text = fold(" ".join("".join(p.itertext()) for p in page.iter(f"{X}p")))
        for line in story_lines(name):
            assert fold(line).replace("*", "") in text, (name, line[:60])


# ---------------------------------------------------------------- notes


def notes_groups(book: Epub) -> list[tuple[str, list[str]]]:
    """The Notes section as (group heading, [note texts])."""
    section = book.xhtml("notes.xhtml").find(f".//{X}section")
    groups: list[tuple[str, list[str]]] = []
    for child in section:
        if child.tag == f"{X}h2":
            groups.append((fold("".join(child.itertext())), []))
        elif child.tag == f"{X}ol":
            groups[-1][1].extend(fold("".join(li.itertext())).rstrip(" ↑") for li in child.iter(f"{X}li"))
    return groups


def test_every_chapters_notes_are_grouped_before_and_after_it(epub):
    groups = dict(notes_groups(epub))
    for name, title in CHAPTERS:
        paras = [p.strip() for p in source_text(name).split("\n\n") if p.strip()]
        notes = [i for i, p in enumerate(paras) if p.startswith("A/N:")]
        story = [i for i, p in enumerate(paras) if p in story_lines(name)]
        for index in notes:
            where = "before" if index < story[0] else "after"
            heading = fold(f"{title} — {where}")
            assert heading in groups, (name, heading, list(groups))
            assert any(fold(paras[index]) in note for note in groups[heading]), (name, paras[index][:40])


def test_the_repeated_disclaimer_appears_once_where_it_first_stood(epub):
    everything = fold(epub.text())
    assert everything.count(fold(DISCLAIMER)) == 1
    first = dict(notes_groups(epub))[fold("Prologue — before")]
    assert any(fold(DISCLAIMER) in note for note in first)


def test_header_lines_the_sidecar_overrides_are_kept_with_their_chapter(epub):
    prologue = " ".join(dict(notes_groups(epub))[fold("Prologue — before")])
    for line in ("Rating: General Audiences", "Pairing: Neville/Luna", "Fandom: Harry Potter", "Title: The Lantern Keeper"):
        assert fold(line) in prologue


# ---------------------------------------------------------------- nothing lost


def test_nothing_lost(epub):
    sources = {name: source_text(name) for name, _title in CHAPTERS}
    book = words(epub.text())
    # every word of every file is in the book…
    assert not set(words("\n".join(sources.values()))) - set(book)
    # …and every occurrence too, once the disclaimer that is kept only once is counted once
    expected = Counter()
    for i, text in enumerate(sources.values()):
        expected += words(text if i == 0 else text.replace(DISCLAIMER, "", 1))
    missing = expected - book
    assert not missing, dict(missing.most_common(10))


def test_nothing_lost_in_the_pdf(books):
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(books["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    text = re.sub(r"-\n", "", text.replace("\u2010\n", ""))
    found = set(words(text))
    missing = {w for name, _t in CHAPTERS for w in words(source_text(name))} - found
    assert not missing, sorted(missing)[:20]


def test_same_folder_same_bytes(books, tmp_path):
    (again,) = build(FOLDER, tmp_path, Options())
    assert again.read_bytes() == books["epub"].read_bytes()


@pytest.mark.slow
def test_epubcheck_passes_with_no_errors_and_no_warnings(books):
    report = run_epubcheck(books["epub"])
    summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report.stdout)
    assert summary and summary.groups() == ("0", "0", "0"), report.stdout + report.stderr


# ---------------------------------------------------------------- metadata read back


def test_the_opf_read_back(epub):
    meta = epub.opf.find("opf:metadata", NS)
    assert meta.findtext("dc:title", namespaces=NS) == "The Lantern Keeper"
    assert meta.findtext("dc:language", namespaces=NS) == "en-GB"
    creators = meta.findall("dc:creator", NS)
    assert [c.text for c in creators] == ["wrenfeather", "Moss Abernathy"]
    ids = [c.get("id") for c in creators]
    assert len(set(ids)) == 2 and all(ids)
    refines = {m.get("refines"): m.text for m in meta.findall("opf:meta[@property='role']", NS)}
    assert refines == {f"#{i}": "aut" for i in ids}
    named = {m.get("name"): m.get("content") for m in meta.findall("opf:meta[@name]", NS)}
    assert named["calibre:series"] == "Lanterns of the Northern Isles" and named["calibre:series_index"] == "2"
    collection = meta.find("opf:meta[@property='belongs-to-collection']", NS)
    assert collection.text == "Lanterns of the Northern Isles"
    about = {m.get("property"): m.text for m in meta.findall(f"opf:meta[@refines='#{collection.get('id')}']", NS)}
    assert about == {"collection-type": "series", "group-position": "2"}
    subjects = [s.text for s in meta.findall("dc:subject", NS)]
    assert subjects == ["Harry Potter - J. K. Rowling", "Slow Burn", "Lighthouses", "Hurt/Comfort", "Post-War"]
    assert meta.findtext("dc:description", namespaces=NS).startswith("Neville Longbottom takes the post")
    assert meta.findtext("dc:date", namespaces=NS) == "2023-09-03"
    assert meta.findtext("dc:source", namespaces=NS) == "https://archiveofourown.org/works/00000000"
    cover = [i for i in epub.manifest().values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(cover) == 1 and named["cover"] == cover[0].get("id")
    image = Image.open(io.BytesIO(epub.read(cover[0].get("href"))))
    assert image.size == Image.open(FOLDER / "cover.png").size  # the folder's own cover, not a generated one


@pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre's ebook-meta is not installed")
def test_calibre_reads_title_authors_series_tags_description_and_cover(books, tmp_path):
    cover = tmp_path / "cover-out.jpg"
    result = subprocess.run(["ebook-meta", str(books["epub"]), f"--get-cover={cover}"], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    fields = dict(re.findall(r"^(\S[^:]*?)\s*:\s(.*)$", result.stdout, re.M))
    assert fields["Title"] == "The Lantern Keeper"
    assert fields["Author(s)"] == "wrenfeather & Moss Abernathy"
    assert fields["Series"] == "Lanterns of the Northern Isles #2"
    assert fields["Tags"] == "Harry Potter - J. K. Rowling, Slow Burn, Lighthouses, Hurt/Comfort, Post-War"
    assert fields["Comments"].startswith("Neville Longbottom takes the post")
    assert Image.open(cover).size == Image.open(FOLDER / "cover.png").size


def test_title_page_like_ao3s_preface(epub):
    page = epub.xhtml("title.xhtml")
    labels = [dt.text for dt in page.iter(f"{X}dt")]
    assert labels == ["Fandom", "Rating", "Warnings", "Relationships", "Characters", "Tags", "Series", "Status",
                      "Published", "Updated", "Words", "Chapters", "Source"]  # fmt: skip
    values = dict(zip(labels, (fold("".join(dd.itertext())) for dd in page.iter(f"{X}dd"))))
    assert values["Rating"] == "Teen And Up Audiences"  # the sidecar's, over the header's
    assert values["Series"] == "Book 2 of Lanterns of the Northern Isles"
    assert values["Chapters"] == "14" and int(values["Words"].replace(",", "")) > 1500
    assert page.find(f".//{X}p[@class='author']").text == "by wrenfeather & Moss Abernathy"


def test_the_pdf_has_the_title_page_cover_and_metadata(books):
    import pypdf

    reader = pypdf.PdfReader(books["pdf"])
    info = reader.metadata
    assert info.title == "The Lantern Keeper" and info.author == "wrenfeather, Moss Abernathy"
    assert info["/series"] == "Lanterns of the Northern Isles" and info["/seriesindex"] == "2"
    assert [e.title for e in reader.outline] == [title for _name, title in CHAPTERS] + ["Notes"]
    title_page = fold(reader.pages[1].extract_text())
    assert "Book 2 of Lanterns of the Northern Isles" in title_page and "Teen And Up Audiences" in title_page
    images = subprocess.run(["pdfimages", "-list", str(books["pdf"])], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in images.splitlines()[2:]]
    assert [(r[0], r[3], r[4]) for r in rows] == [("1", "600", "900")]  # the folder's cover on page 1


# ---------------------------------------------------------------- reporting and odd folders


def test_skipped_files_and_warnings_reach_the_user(tmp_path):
    result = subprocess.run([*CLI, "build", str(FOLDER), "-o", str(tmp_path), "--json"], capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["chapters"] == 14 and record["title"] == "The Lantern Keeper"
    assert record["warnings"] == [f"skipped 5 files that are not chapters: {', '.join(SKIPPED)}"]
    assert f"fic2book: warning: {FOLDER}: skipped 5 files that are not chapters: .DS_Store" in result.stderr
    quiet = subprocess.run([*CLI, "build", str(FOLDER), "-o", str(tmp_path), "-q"], capture_output=True, text=True,
                           timeout=300)  # fmt: skip
    assert quiet.returncode == 0 and quiet.stderr == ""


def _chapters(tmp_path: Path, files: dict[str, bytes | str], name: str = "My Story") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return folder


def test_a_folder_book_is_named_after_the_folder_when_nothing_else_names_it(tmp_path):
    folder = _chapters(tmp_path, {"1.txt": "It rained.\n", "2.txt": "It stopped.\n"})
    book, _ = read_book(folder, Options())
    assert book.metadata.title == "My Story" and book.metadata.title_source == "folder name"
    assert [c.title[0].text for c in book.chapters] == ["Chapter 1", "Chapter 2"]


def test_an_empty_chapter_file_is_left_out_with_a_warning(tmp_path):
    folder = _chapters(tmp_path, {"1.txt": "It rained.\n", "2.txt": " \n\n", "3.txt": "It stopped.\n"})
    book, _ = read_book(folder, Options())
    assert len(book.chapters) == 2 and any("2.txt is empty" in w for w in book.warnings)
    only_empty = _chapters(tmp_path, {"1.txt": "", "2.txt": "\n"}, name="Empty")
    with pytest.raises(FicError, match="every story file in the folder is empty"):
        read_book(only_empty, Options())


def test_a_binary_chapter_file_fails_the_book_naming_the_file(tmp_path):
    folder = _chapters(tmp_path, {"1.txt": "It rained.\n", "2.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4})
    result = subprocess.run([*CLI, "build", str(folder), "-o", str(tmp_path / "o")], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "2.txt" in line and "PNG" in line


def test_kind_corrections_come_from_the_folder_sidecar_not_the_flag(tmp_path):
    folder = _chapters(tmp_path, {"1.txt": "Some words I wrote first.\n\nThe story.\n", "2.txt": "More story.\n"})
    (folder / "fic2book.toml").write_text('kind = { "1.txt" = ["1=note"], "9.txt" = ["1=note"] }\n', encoding="utf-8")
    book, _ = read_book(folder, Options())
    assert [n.blocks[0].content[0].text for n in book.notes] == ["Some words I wrote first."]
    assert any("'9.txt'" in w for w in book.warnings)
    with pytest.raises(FicError, match="fic2book.toml"):
        read_book(folder, Options(kinds=("1=note",)))
    inspected = subprocess.run([*CLI, "inspect", "--json", str(folder)], capture_output=True, text=True, timeout=120)
    first = json.loads(inspected.stdout)["files"][0]["blocks"][0]
    assert (first["kind"], first["rule"]) == ("note", "override")


def test_a_folder_is_one_book_in_a_batch_and_skip_existing_sees_an_edited_chapter(tmp_path):
    folder = _chapters(tmp_path, {"1.txt": "Title: Batch Book\n\nIt rained.\n", "2.txt": "It stopped.\n"})
    story = tmp_path / "single.txt"
    story.write_text("Title: Single\n\nA one-shot.\n", encoding="utf-8")
    out = tmp_path / "out"
    first = subprocess.run([*CLI, "build", str(folder), str(story), "-o", str(out), "--json", "-j", "2"],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in first.stdout.splitlines()]
    assert [(r["title"], r["chapters"]) for r in records] == [("Batch Book", 2), ("Single", 1)]
    again = subprocess.run([*CLI, "build", str(folder), "-o", str(out), "--json", "--skip-existing"],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert json.loads(again.stdout)["skipped"] is True
    os.utime(folder / "2.txt", ns=(time.time_ns() + 10**10,) * 2)  # a chapter edited after the book was made
    edited = subprocess.run([*CLI, "build", str(folder), "-o", str(out), "--json", "--skip-existing"],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert json.loads(edited.stdout)["skipped"] is False
