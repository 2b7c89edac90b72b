"""The XHTML renderer: every block kind has its markup, and all text is escaped."""

from __future__ import annotations

from lxml import etree

from fic2book.model import (
    Book,
    Chapter,
    EndMatter,
    Epigraph,
    Field,
    GatheredNote,
    Heading,
    Metadata,
    NoteRef,
    Para,
    SceneBreak,
    Span,
    Verse,
    plain,
)
from fic2book.render.xhtml import chapter_document, documents, esc, title_document
from fic2book.transforms import gather_notes

X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

HOSTILE = 'Tom & Jerry <script>alert("x")</script> ]]> <!DOCTYPE x [<!ENTITY e "boom">]> &e;'


def _book(*blocks, notes=(), fields=()) -> Book:
    chapter = Chapter("ch001", plain("Chapter One: The Rain"), tuple(blocks), 1)
    return Book(Metadata("A <Title> & more", ("Jo & Co",), fields=fields), (chapter,), notes)


def _parse(doc) -> etree._Element:
    return etree.fromstring(doc.xhtml.encode("utf-8"))


def test_every_block_kind_renders_with_its_semantic_markup():
    note = GatheredNote("note-1", "note", (Para(plain("Thanks to my beta!")),), "ch001", "Chapter One", 3)
    book = _book(
        Epigraph((plain("So close to reaching"), plain("That famous happy end")), plain("Jon McLaughlin")),
        Para((Span("He sat "), Span("very", "em"), Span(" still.\nThen "), Span("left", "strong"))),
        SceneBreak("* * *"),
        SceneBreak("~*~ Later ~*~"),
        Verse((plain("line one"), plain("line two"))),
        Heading(plain("Later")),
        NoteRef("note-1"),
        EndMatter(plain("tbc.")),
        notes=(note,),
    )
    root = _parse(chapter_document(book, book.chapters[0]))
    section = root.find(f"{X}body/{X}section")
    assert section.get(EPUB_TYPE) == "chapter"
    epigraph = section.find(f"{X}blockquote")
    assert epigraph.get(EPUB_TYPE) == "epigraph"
    assert epigraph.find(f"{X}cite").text == "Jon McLaughlin"
    assert [s.text for s in epigraph.iter(f"{X}span")] == ["So close to reaching", "That famous happy end"]
    para = section.findall(f"{X}p")[0]
    assert para.find(f"{X}em").text == "very" and para.find(f"{X}strong").text == "left"
    assert para.find(f"{X}br") is not None
    hr = section.find(f"{X}hr")
    assert hr.get("class") == "scene-break"
    worded = section.find(f"{X}p[@role='separator']")  # a break with words keeps them
    assert worded.get("class") == "scene-break" and worded.text == "~*~ Later ~*~"
    assert section.find(f"{X}div").get(EPUB_TYPE) == "z3998:verse"
    assert section.find(f"{X}h2").text == "Later"
    marker = section.find(f".//{X}a[@role='doc-noteref']")
    assert marker.get("href") == "notes.xhtml#note-1" and marker.get("id") == "ref-note-1"
    assert section.find(f"{X}p[@class='end-matter']").text == "tbc."


def test_hostile_text_stays_text_everywhere():
    book = _book(Para(plain(HOSTILE)), Heading(plain(HOSTILE)), fields=(Field("Summary", HOSTILE, "Summary"), Field("Rating", HOSTILE, "Rated")))
    for doc in (chapter_document(book, book.chapters[0]), title_document(book)):
        root = _parse(doc)  # parses: nothing broke out of the text
        assert not list(root.iter(f"{X}script"))
        assert HOSTILE in "".join(root.itertext())


def test_escape_is_the_one_place_markup_characters_are_handled():
    assert esc('<a href="x">&amp;</a>') == '&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;'


def test_untitled_chapter_gets_an_accessible_name_and_no_visible_heading():
    chapter = Chapter("ch001", (), (Para(plain("Text.")),), 1)
    book = Book(Metadata("My Story"), (chapter,))
    root = _parse(chapter_document(book, chapter))
    section = root.find(f"{X}body/{X}section")
    assert section.get("aria-label") == "My Story"
    assert section.find(f"{X}h1") is None


def test_title_page_shows_the_metadata_the_text_gave():
    book = _book(
        Para(plain("x")),
        fields=(Field("Fandom", "Law & Order: SVU", "Fandom"), Field("Rating", "K+", "Rated"), Field("Summary", "One.\nTwo.", "Blurb")),
    )
    root = _parse(title_document(book))
    assert root.find(f".//{X}h1").text == "A <Title> & more"
    # labels as the author wrote them, then the counts fic2book made (one word: "x")
    assert [dt.text for dt in root.iter(f"{X}dt")] == ["Fandom", "Rated", "Words", "Chapters"]
    assert [dd.text for dd in root.iter(f"{X}dd")] == ["Law & Order: SVU", "K+", "1", "1"]
    summary = root.find(f".//{X}div[@class='summary']")
    assert summary.find(f"{X}h2").text == "Blurb" and [p.text for p in summary.iter(f"{X}p")] == ["One.", "Two."]


def test_title_page_follows_ao3s_preface_order_and_shows_only_what_is_known():
    from fic2book.model import Series

    fields = (
        Field("Tags", "Fluff", "Tags"), Field("Summary", "Short.", "Summary"), Field("Status", "Complete", "Status"),
        Field("Characters", "Muriel", "Characters"), Field("Pairing", "A/C", "Pairing"), Field("Warnings", "None", "Warnings"),
        Field("Rating", "T", "Rating"), Field("Fandom", "Good Omens", "Fandom"), Field("Source", "https://example.org/w/1", "Source"),
    )  # fmt: skip
    chapters = tuple(Chapter(f"ch00{i}", plain(f"Chapter {i}"), (Para(plain("one two three")),), 1) for i in (1, 2))
    book = Book(Metadata("T", ("A",), fields=fields, series=Series("The Saga", 2.0)), chapters)
    root = _parse(title_document(book))
    labels = [dt.text for dt in root.iter(f"{X}dt")]
    assert labels == ["Fandom", "Rating", "Warnings", "Pairing", "Characters", "Tags", "Series", "Status", "Words",
                      "Chapters", "Source"]  # fmt: skip
    values = dict(zip(labels, (dd for dd in root.iter(f"{X}dd"))))
    assert values["Series"].text == "Book 2 of The Saga"
    assert values["Words"].text == "6" and values["Chapters"].text == "2"  # the chapters' text, not their titles
    assert values["Source"].find(f"{X}a").get("href") == "https://example.org/w/1"
    # the summary sits between the story's tags and its statistics
    section = root.find(f".//{X}section")
    assert [child.get("class") for child in section if child.tag != f"{X}h1"][1:] == ["story-info", "summary", "story-info stats"]
    bare = _parse(title_document(Book(Metadata("T"), chapters)))
    assert [dt.text for dt in bare.iter(f"{X}dt")] == ["Words", "Chapters"]


def test_a_source_that_is_not_a_web_address_is_not_a_link():
    book = Book(Metadata("T", fields=(Field("Source", 'javascript:alert("x")', "Source"),)), (Chapter("ch001", (), (), 1),))
    root = _parse(title_document(book))
    assert not list(root.iter(f"{X}a")) and 'javascript:alert("x")' in "".join(root.itertext())


def test_notes_are_gathered_in_source_order_and_spine_ends_with_them():
    from fic2book.model import Note

    chapter = Chapter(
        "ch001",
        (),
        (Note((Para(plain("first")),)), Para(plain("story")), Note((Para(plain("second")),), "front_matter")),
        1,
    )
    book = gather_notes(Book(Metadata("T"), (chapter,)))
    assert [n.id for n in book.notes] == ["note-1", "note-2"]
    assert [type(b).__name__ for b in book.chapters[0].blocks] == ["NoteRef", "Para", "NoteRef"]
    spine, nav = documents(book, (1600, 2560))
    assert [d.id for d in spine] == ["cover", "titlepage", "ch001", "notes"]
    assert "nav" in nav.properties


def test_a_right_to_left_book_says_so_and_a_paragraph_running_the_other_way_gets_its_own_dir():
    chapter = Chapter("ch001", plain(""), (Para(plain("שלום עולם, זה סיפור."), 1), Para(plain("OK, he said."), 2)), 1)
    book = Book(Metadata("סיפור", language="he"), (chapter,), ())
    root = _parse(chapter_document(book, chapter))
    assert root.get("dir") == "rtl"
    paras = root.findall(f".//{X}p")
    assert [p.get("dir") for p in paras] == [None, "ltr"]


def test_a_left_to_right_book_marks_only_its_right_to_left_paragraphs():
    chapter = Chapter("ch001", plain(""), (Para(plain("She wrote it down."), 1), Para(plain("«שלום», he read."), 2)), 1)
    book = Book(Metadata("Story"), (chapter,), ())
    root = _parse(chapter_document(book, chapter))
    assert root.get("dir") is None
    assert [p.get("dir") for p in root.findall(f".//{X}p")] == [None, "rtl"]


def test_a_very_long_paragraph_is_set_in_run_on_pieces_in_the_pdf_only():
    from fic2book.render.xhtml import RUN_ON_CHARS, block_html, run_on_pieces

    sentence = "She walked on and on, and the road did not end. "
    content = (Span(sentence * 400, None), Span("the last words", "em"), Span(". " + sentence * 200, None))
    pieces = run_on_pieces(content)
    assert len(pieces) > 3
    assert " ".join("".join(s.text for s in piece).strip() for piece in pieces) == "".join(s.text for s in content).strip()
    assert all(len("".join(s.text for s in piece)) <= RUN_ON_CHARS for piece in pieces)
    assert all("".join(s.text for s in piece).rstrip().endswith(".") for piece in pieces)  # cut after sentences
    assert any(s.style == "em" and s.text == "the last words" for piece in pieces for s in piece)
    book = Book(Metadata("Story"), (), ())
    pdf = block_html(Para(content, 1), book, one_file=True)
    assert pdf.count("<p") == len(pieces) and pdf.count('class="runs-on"') == 1 and pdf.count('class="run-on"') == 1
    assert block_html(Para(content, 1), book).count("<p") == 1  # the EPUB keeps one paragraph


def test_text_without_spaces_is_still_cut_into_pieces():
    from fic2book.render.xhtml import RUN_ON_CHARS, run_on_pieces

    chinese = "下雨了他没有说话" * 3000  # no spaces, no full stops
    pieces = run_on_pieces((Span(chinese, None),))
    assert len(pieces) >= 3 and all(len(p[0].text) <= RUN_ON_CHARS for p in pieces)
    assert "".join(p[0].text for p in pieces) == chinese
    sentences = "他走了。" * 5000
    cut = run_on_pieces((Span(sentences, None),))
    assert all(p[0].text.endswith("。") for p in cut)
