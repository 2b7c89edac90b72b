"""The PDF writer, checked with poppler (pdftotext, pdffonts, pdfinfo, pdfimages) and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pypdf
import pytest
from conftest import ROOT, SEEDS
from helpers import words

from fic2book import __version__
from fic2book.encoding import decode
from fic2book.errors import FicError
from fic2book.pipeline import Options, build, read_book
from fic2book.render.pagesize import PAGE_SIZES, parse_page_size
from fic2book.render.pdf import cover_size, make_fetcher, part_runs, quick_library_lookup, render_pdf
from fic2book.styles import available_styles, styles_root

EVERY_KIND = ROOT / "tests" / "fixtures" / "books" / "every_kind.txt"

if shutil.which("pdftotext") is None:  # pragma: no cover - scripts/test installs poppler-utils
    pytest.fail("poppler-utils is not installed: run the README's test command", pytrace=False)


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def pdf_text(path: Path, page_size: str = "a5") -> str:
    """The body text as a reader copies it: page furniture cropped away, hyphenation undone.

    ``-raw`` keeps content-stream order and leaves "point-\\nblank" alone (poppler's own
    dehyphenation would glue it into one word); the crop drops running heads and folios,
    so a word hyphenated across a page break joins up again.
    """
    size = parse_page_size(page_size)
    top, _right, bottom, _left = (float(m) / 25.4 * 72 for m in size.margin.replace("mm", "").split())
    width, height = size.width_mm / 25.4 * 72, size.height_mm / 25.4 * 72
    crop = ["-x", "0", "-y", str(int(top) - 1), "-W", str(int(width) + 1), "-H", str(int(height - top - bottom) + 2)]
    text = poppler("pdftotext", "-raw", *crop, "-enc", "UTF-8", str(path), "-")
    # list numbers ("1.") are drawn after their page's text; drop them so words split
    # across a page break inside a note join up again
    text = re.sub(r"^\d+\.\n", "", text.replace("\f", ""), flags=re.M)
    return text.replace("\u2010\n", "")


def missing_words(source: str, text: str) -> Counter[str]:
    """Source words the PDF text lacks; a word the line breaker split (a URL, a
    300-letter word broken by ``overflow-wrap``) counts when its halves end and start two lines."""
    found = words(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        end = re.search(r"([^\W_]+)$", line)
        joined = end.group(1) if end else ""
        for below in lines[i + 1 : i + 4]:
            start = re.match(r"([^\W_]+)", below)
            if not (joined and start):
                break
            joined += start.group(1)
            found.update(words(joined))
            if start.group(1) != below:
                break
    return words(source) - found


@lru_cache(maxsize=None)
def rendered(source: Path, style: str = "classic", page_size: str = "a5") -> tuple[bytes, tuple[str, ...]]:
    book, _text = read_book(source, Options())
    data, warnings = render_pdf(book, style=style, page_size=page_size)
    return data, tuple(warnings)


def write(tmp_path: Path, data: bytes, name: str = "book.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- nothing lost, every size


@pytest.mark.parametrize("page_size", [*sorted(PAGE_SIZES), "5.5inx8.5in"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_source_word_reaches_the_pdf(seed, page_size, tmp_path):
    data, _ = rendered(seed, "classic", page_size)
    missing = missing_words(decode(seed.read_bytes()).text, pdf_text(write(tmp_path, data), page_size))
    assert not missing, f"words dropped: {dict(missing.most_common(20))}"


def test_page_size_is_the_one_asked_for(tmp_path):
    for name in ("ereader", "a4", "letter", "trade"):
        data, _ = rendered(SEEDS[0], "classic", name)
        reader = pypdf.PdfReader(write(tmp_path, data))
        box = reader.pages[1].mediabox
        expected = parse_page_size(name)
        assert float(box.width) == pytest.approx(expected.width_mm / 25.4 * 72, abs=1)
        assert float(box.height) == pytest.approx(expected.height_mm / 25.4 * 72, abs=1)


@pytest.mark.parametrize("style", available_styles())
def test_every_word_of_every_kind_in_every_theme(style, tmp_path):
    data, _ = rendered(EVERY_KIND, style)
    text = pdf_text(write(tmp_path, data))
    missing = missing_words(EVERY_KIND.read_text(encoding="utf-8"), text)
    assert not missing, f"words dropped: {dict(missing.most_common(20))}"
    # ligatures come back as letters when the text is copied
    for word in ("office", "difficult", "fluffy", "affluent", "afflicted", "finished", "flights"):
        assert word in text.casefold().replace("\n", " "), word


# ---------------------------------------------------------------- themes


@pytest.mark.parametrize("style", available_styles())
def test_shipped_themes_give_weasyprint_no_warning(style):
    for source in (EVERY_KIND, *SEEDS):
        _data, warnings = rendered(source, style)
        assert warnings == (), f"{style} on {source.name}: {warnings}"


def test_a_theme_with_css_weasyprint_ignores_is_caught(tmp_path):
    css = tmp_path / "bad.css"
    css.write_text("p { -webkit-hyphens: auto; text-wobble: 3; }", encoding="utf-8")
    book, _ = read_book(SEEDS[0], Options())
    _data, warnings = render_pdf(book, style=str(css))
    assert any("text-wobble" in w for w in warnings), warnings


@pytest.mark.parametrize("style", available_styles())
def test_fonts_are_the_shipped_ones_embedded_as_subsets(style, tmp_path):
    data, _ = rendered(EVERY_KIND, style)
    rows = poppler("pdffonts", str(write(tmp_path, data))).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_rest = row.split()
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert re.match(r"[A-Z]{6}\+F2B-", name), f"{style} uses a font that is not shipped: {row}"


# ---------------------------------------------------------------- structure


def test_outline_has_one_entry_per_chapter_and_the_notes(tmp_path):
    data, _ = rendered(EVERY_KIND)
    reader = pypdf.PdfReader(write(tmp_path, data))
    outline = reader.outline
    assert all(not isinstance(entry, list) for entry in outline), "the outline is flat"
    assert [entry.title for entry in outline] == ["Chapter One: The Shop", "Chapter Two: The Stairs", "Notes"]
    pages = [reader.get_destination_page_number(entry) for entry in outline]
    assert pages == sorted(pages) and pages[0] >= 3  # cover, title page, contents come first


def test_single_chapter_story_has_its_title_and_notes_in_the_outline(tmp_path):
    seed = next(s for s in SEEDS if s.name.startswith("002"))
    data, _ = rendered(seed)
    reader = pypdf.PdfReader(write(tmp_path, data))
    book, _ = read_book(seed, Options())
    assert [e.title for e in reader.outline] == [book.metadata.title, "Notes"]


def test_contents_page_lists_chapters_with_their_page_numbers(tmp_path):
    data, _ = rendered(EVERY_KIND)
    path = write(tmp_path, data)
    reader = pypdf.PdfReader(path)
    starts = {e.title: reader.get_destination_page_number(e) + 1 for e in reader.outline}
    contents = poppler("pdftotext", "-layout", "-f", "3", "-l", "3", str(path), "-")
    assert "Contents" in contents
    for title, number in starts.items():
        line = next(line for line in contents.splitlines() if title.split(":")[0] in line)
        assert line.rstrip().endswith(str(number)), (line, number)
        assert ". ." in line, "dotted leader"


def test_notes_and_their_markers_link_both_ways(tmp_path):
    data, _ = rendered(EVERY_KIND)
    reader = pypdf.PdfReader(write(tmp_path, data))
    named = reader.named_destinations
    links = [
        (number, str(annot.get_object()["/Dest"]))
        for number, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/Subtype") == "/Link" and "/Dest" in annot.get_object()
    ]
    to_notes = [(page, dest) for page, dest in links if dest.startswith("note-")]
    back = [(page, dest) for page, dest in links if dest.startswith("ref-note-")]
    notes_page = next(reader.get_destination_page_number(e) for e in reader.outline if e.title == "Notes")
    assert to_notes and len(back) == len(to_notes)
    assert all(page < notes_page for page, _ in to_notes) and all(page >= notes_page for page, _ in back)
    for _page, dest in links:
        assert dest in named, f"link to {dest} has no target"


def test_no_folio_or_running_head_on_cover_and_title_page(tmp_path):
    data, _ = rendered(EVERY_KIND)
    path = write(tmp_path, data)
    cover = poppler("pdftotext", "-f", "1", "-l", "1", str(path), "-")
    assert cover.strip() == ""

    def margins(page: int) -> str:
        """The text in the page's top and bottom margins, where running heads and folios go
        (the title page's own numbers, its word and chapter counts, sit in the text block)."""
        size = parse_page_size("a5")
        top, _right, bottom, _left = (float(m) / 25.4 * 72 for m in size.margin.replace("mm", "").split())
        width, height = (int(v / 25.4 * 72) + 1 for v in (size.width_mm, size.height_mm))
        boxes = (["-y", "0", "-H", str(int(top) - 1)], ["-y", str(int(height - bottom) + 1), "-H", str(int(bottom))])
        return "".join(
            poppler("pdftotext", "-f", str(page), "-l", str(page), "-x", "0", "-W", str(width), *box, str(path), "-")
            for box in boxes
        )

    assert margins(2).strip() == ""
    assert "Words" in poppler("pdftotext", "-f", "2", "-l", "2", str(path), "-")  # the title page
    assert re.search(r"^\s*6\s*$", margins(6), re.M), "page numbers on the story's pages"


def test_cover_fills_the_first_page(tmp_path):
    data, _ = rendered(EVERY_KIND)
    listing = poppler("pdfimages", "-list", str(write(tmp_path, data))).splitlines()[2:]
    assert len(listing) == 1
    page, _num, kind, width, height = listing[0].split()[:5]
    size = parse_page_size("a5")
    assert (page, kind) == ("1", "image")
    assert int(height) / int(width) == pytest.approx(size.height_mm / size.width_mm, rel=0.01)


def test_metadata(tmp_path):
    data, _ = rendered(EVERY_KIND)
    reader = pypdf.PdfReader(write(tmp_path, data))
    info = reader.metadata
    assert info.title == "The Office of Small Flights"
    assert info.author == "quillfeather, Ana Ribeiro"
    assert info.subject == "A bookshop, a flight of stairs, and a very long afternoon."
    for keyword in ("Good Omens (TV)", "Aziraphale/Crowley", "Muriel", "Found Family"):
        assert keyword in info["/Keywords"]
    assert info.creator == f"fic2book {__version__}"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_long_words_and_urls_stay_inside_the_text_block(tmp_path):
    data, _ = rendered(EVERY_KIND)
    path = write(tmp_path, data)
    bbox = poppler("pdftotext", "-bbox", str(path), "-")
    size = parse_page_size("a5")
    page_width = size.width_mm / 25.4 * 72
    overfull = [
        (m.group(3), float(m.group(2)))
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)
        if float(m.group(2)) > page_width - 15 / 25.4 * 72  # inside the right margin
    ]
    assert not overfull, overfull[:5]
    assert "supercalifragilistic" in pdf_text(path)


def test_pdf_ua_variant_is_tagged(tmp_path):
    book, _ = read_book(EVERY_KIND, Options())
    data, warnings = render_pdf(book, variant="pdf/ua-1")
    info = poppler("pdfinfo", str(write(tmp_path, data)))
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    assert warnings == []


def test_unknown_variant_is_a_clear_error():
    book, _ = read_book(SEEDS[0], Options())
    with pytest.raises(FicError, match="unknown PDF variant"):
        render_pdf(book, variant="pdf/z")


# ---------------------------------------------------------------- set in parts


def long_story(tmp_path: Path) -> Path:
    """Nine chapters with notes and scene breaks: enough for several parts, under a
    title that CSS strings must escape."""
    source_words = re.findall(r"[A-Za-z’']+", EVERY_KIND.read_text(encoding="utf-8"))
    lines = ['Title: The "Quoted" \\ Backslashed Book of Many Parts', "Author: quillfeather", ""]
    for chapter in range(9):
        lines += [f"Chapter {chapter + 1}", ""]
        for paragraph in range(40):
            start = (chapter * 97 + paragraph * 31) % len(source_words)
            sentence = " ".join((source_words * 2)[start : start + 40 + paragraph % 23])
            lines += [sentence[0].upper() + sentence[1:] + ".", ""]
            if paragraph == 20:
                lines += ["***", ""]
        lines += [f"A/N: Thank you for reading chapter {chapter + 1}!", ""]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def page_images(data: bytes, tmp_path: Path, name: str) -> list[bytes]:
    pdf = write(tmp_path, data, f"{name}.pdf")
    subprocess.run(["pdftoppm", "-r", "24", "-png", str(pdf), str(tmp_path / name)], check=True, timeout=300)
    return [png.read_bytes() for png in sorted(tmp_path.glob(f"{name}-*.png"))]


def assert_same_book(tmp_path: Path, parts: bytes, whole: bytes) -> None:
    """Page for page the same pictures, outline, link targets and metadata."""
    a, b = (pypdf.PdfReader(write(tmp_path, data, f"{name}.pdf")) for name, data in (("p", parts), ("w", whole)))
    assert len(a.pages) == len(b.pages)
    assert [(e.title, a.get_destination_page_number(e)) for e in a.outline] == [
        (e.title, b.get_destination_page_number(e)) for e in b.outline
    ]
    assert {name: a.get_destination_page_number(d) for name, d in a.named_destinations.items()} == {
        name: b.get_destination_page_number(d) for name, d in b.named_destinations.items()
    }
    links = [
        [str(annot.get_object().get("/Dest")) for annot in page.get("/Annots") or []] for page in (*a.pages, *b.pages)
    ]
    assert links[: len(a.pages)] == links[len(a.pages) :]
    assert dict(a.metadata) == dict(b.metadata)
    different = [
        number
        for number, (one, other) in enumerate(zip(page_images(parts, tmp_path, "p"), page_images(whole, tmp_path, "w")), 1)
        if one != other
    ]
    assert not different, f"pages that differ: {different}"


@pytest.mark.parametrize("style", available_styles())
def test_a_shipped_theme_set_in_parts_gives_the_pages_of_the_book_set_whole(style, tmp_path):
    book, _ = read_book(EVERY_KIND, Options())
    parts, warnings = render_pdf(book, style=style, in_parts=True)
    whole, _ = render_pdf(book, style=style, in_parts=False)
    assert warnings == []
    assert_same_book(tmp_path, parts, whole)


@pytest.mark.parametrize("page_size", ["a5", "ereader"])
def test_a_long_book_in_several_parts_keeps_folios_sides_running_heads_and_links(page_size, tmp_path):
    book, _ = read_book(long_story(tmp_path), Options(smart=False))  # straight quotes in the title
    assert len(part_runs(book)) >= 2
    parts, warnings = render_pdf(book, page_size=page_size, in_parts=True)
    whole, _ = render_pdf(book, page_size=page_size, in_parts=False)
    assert warnings == []
    assert_same_book(tmp_path, parts, whole)
    text = poppler("pdftotext", "-layout", str(write(tmp_path, parts)), "-")
    assert 'The "Quoted" \\ Backslashed Book of Many Parts' in text  # the running head on left-hand pages


# ---------------------------------------------------------------- safety


def test_fetcher_serves_theme_files_and_refuses_everything_else(tmp_path):
    fetcher = make_fetcher((styles_root().resolve(),))
    font = (styles_root() / "fonts" / "NotoSans-Regular.ttf").resolve()
    assert fetcher(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    for url in ("file:///etc/hostname", "file:///etc/passwd", (styles_root() / ".." / "pyproject.toml").as_uri(),
                "http://example.com/x.png", "https://127.0.0.1/", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher(url)


def test_file_references_in_text_and_themes_are_not_embedded(tmp_path):
    """Markup in the story stays text; a theme cannot pull in files from outside itself."""
    from PIL import Image

    outside = tmp_path / "outside"
    outside.mkdir()
    Image.new("RGB", (37, 23), "red").save(outside / "secret.png")
    secret = (outside / "secret.png").as_uri()
    story = tmp_path / "story.txt"
    story.write_text(
        "Title: Fetch\n\n"
        f'She typed <img src="{secret}"> and <img src="file:///etc/hostname"> and '
        f'<link rel="attachment" href="file:///etc/hostname"> into the form.\n\n'
        "He laughed & said ]]> was not a word.\n",
        encoding="utf-8",
    )
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "style.css").write_text(
        f'body {{ background-image: url("{secret}"); }}\n'
        '@font-face { font-family: Stolen; src: url("file:///etc/hostname"); }\n'
        "p { font-family: Stolen, serif; }\n",
        encoding="utf-8",
    )
    book, _ = read_book(story, Options())
    data, warnings = render_pdf(book, style=str(theme))
    path = write(tmp_path, data)
    images = poppler("pdfimages", "-list", str(path)).splitlines()[2:]
    cover = [str(n) for n in cover_size(parse_page_size("a5"))]
    assert [row.split()[3:5] for row in images] == [cover], images  # the cover, nothing else
    assert not pypdf.PdfReader(path).attachments
    assert any("does not fetch" in w for w in warnings), warnings
    text = pdf_text(path)
    assert "<img" in text and "file:///etc/hostname" in text.replace("\n", "")


# ---------------------------------------------------------------- CLI and pipeline


def test_build_writes_epub_and_pdf_in_one_run(tmp_path):
    written = build(EVERY_KIND, tmp_path, Options(formats=("epub", "pdf"), page_size="trade", style="modern"))
    assert [p.name for p in written] == ["the-office-of-small-flights.epub", "the-office-of-small-flights.pdf"]
    assert written[1].read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*part"))


def test_cli_pdf_options(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "fic2book", "build", str(EVERY_KIND), "-o", str(tmp_path), "-f", "pdf",
         "--page-size", "ereader", "--style", "eink", "--pdf-variant", "PDF/UA-1"],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    info = poppler("pdfinfo", str(tmp_path / "the-office-of-small-flights.pdf"))
    assert "Tagged:          yes" in info
    bad = subprocess.run(
        [sys.executable, "-m", "fic2book", "build", str(EVERY_KIND), "-o", str(tmp_path), "--page-size", "b7"],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "page size" in bad.stderr


def test_the_cycle_collector_is_left_as_it_was_found():
    import gc

    book, _ = read_book(SEEDS[0], Options())
    render_pdf(book)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # someone else's frozen objects: render_pdf leaves them frozen and freezes nothing of its own
    try:
        frozen = gc.get_freeze_count()
        render_pdf(book)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_native_libraries_are_looked_up_in_one_listing_and_the_lookup_is_put_back():
    import ctypes.util

    saved = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library("pango-1.0").startswith("libpango-1.0.so")
        assert ctypes.util.find_library("libpango-1.0-0") is None  # a name WeasyPrint tries first, on Windows
        assert ctypes.util.find_library("c").startswith("libc.so")
    assert ctypes.util.find_library is saved


def test_epub_only_runs_never_import_weasyprint(tmp_path):
    code = (
        "import sys\nfrom pathlib import Path\nfrom fic2book.pipeline import Options, build\n"
        f"build(Path({str(EVERY_KIND)!r}), Path({str(tmp_path)!r}), Options())\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
