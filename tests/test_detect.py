"""Structure detection: each rule matches its own docstring example, and the whole
detector reads the common shapes of a story's head, body and tail."""

from __future__ import annotations

from pathlib import Path

import pytest

from fic2book.detect import detect
from fic2book.detect.chunks import chunk_lines
from fic2book.detect.rules import RULES, header_key
from fic2book.model import EndMatter, Note, Para, SceneBreak, text_of


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_rule_fires_on_its_own_docstring_example(rule):
    assert rule.example, f"{rule.name} needs a docstring example"
    text = rule.example.replace(" / ", "\n\n").replace(" | ", "\n")
    fired = {d.rule for d in detect(text).detected}
    assert rule.name in fired, fired


@pytest.mark.parametrize(
    "line",
    ["***", "* * *", "~~~", "---", "___", "===", "###", "#", "xXx", "oOo", "-o0o-", "~*~*~", "*~*~*",
     "[line break]", "- - - - -", "§", "❦", "XxXxX", "(scene break)", "NCISNCISNCIS", "HPHPHPHP"],
)
def test_scene_break_lines(line):
    structure = detect(f"Before.\n\n{line}\n\nAfter.")
    blocks = structure.chapters[0].blocks
    assert [type(b).__name__ for b in blocks] == ["Para", "SceneBreak", "Para"], line


@pytest.mark.parametrize("line", ["...", "\"...\"", "Oh.", "X", "OK", "xo", "ooo", "HAHAHAHA", "NONONO", "hphphp"])
def test_not_scene_breaks(line):
    structure = detect(f"Before.\n\n{line}\n\nAfter.")
    assert not any(isinstance(b, SceneBreak) for b in structure.chapters[0].blocks), line


@pytest.mark.parametrize(
    "heading",
    ["Chapter 1", "Chapter One: The Rain", "CHAPTER XII", "Part II", "Prologue", "Epilogue",
     "Chapter 3 - Storm", "chapter twenty-one", "Глава 1. Чай", "Capítulo 2 - Chá de cevada", "Kapitel 7", "Пролог"],
)
def test_chapter_headings_split_chapters(heading):
    structure = detect(f"{heading}\n\nThe story begins.\n\nChapter 99\n\nIt goes on.")
    assert [text_of(c.title) for c in structure.chapters] == [heading, "Chapter 99"]


@pytest.mark.parametrize(
    "line",
    ["Chapter and verse were quoted at him all day long, and he hated it.", "Part of me knew.",
     "Part 3 of the Crystal Hearts Saga"],
)
def test_sentences_are_not_headings(line):
    assert len(detect(f"{line}\n\nMore.").chapters) == 1


def test_header_fields_become_metadata_and_boilerplate_becomes_a_note():
    text = (
        "Title: So Close\nAuthor: jane_doe\nFandom: Law & Order: SVU\nRating: T\n"
        "Disclaimer: I own nothing.\n\nThe story starts here.\n"
    )
    structure = detect(text)
    assert [(f.label, f.value) for f, _ in structure.fields] == [
        ("Title", "So Close"), ("Author", "jane_doe"), ("Fandom", "Law & Order: SVU"), ("Rating", "T")
    ]
    first, second = structure.chapters[0].blocks
    assert isinstance(first, Note) and first.kind == "front_matter"
    # title and author stay in the Notes verbatim; fandom and rating go to the title page
    assert [text_of(p.content) for p in first.blocks] == ["Title: So Close", "Author: jane_doe", "Disclaimer: I own nothing."]
    assert isinstance(second, Para)


def test_fields_keep_the_label_as_written_and_gather_continuations():
    structure = detect("Rated: K+\nSummary: Amy waits\nfor the Doctor.\n\nStory.\n")
    assert [(f.label, f.written, f.value) for f, _ in structure.fields] == [
        ("Rating", "Rated", "K+"), ("Summary", "Summary", "Amy waits\nfor the Doctor.")
    ]


@pytest.mark.parametrize(
    "label",
    ["A/N:", "AN:", "(A/N:", "Author's Note:", "Author’s note -", "Side note:", "A.N.:", "N/A:", "Notas do Autor:",
     "Примечания:", "Anmerkung:", "Note de l'auteur :", "Notas Finais\n"],
)
def test_labelled_authors_notes_anywhere(label):
    structure = detect(f"The story.\n\n{label} thanks for reading this far)\n\nMore story.")
    kinds = [type(b).__name__ for b in structure.chapters[0].blocks]
    assert kinds == ["Para", "Note", "Para"], label


def test_tail_end_matter_and_closing_plea():
    structure = detect("Story text here.\n\ntbc.\n\nLet me know what you think!\n")
    blocks = structure.chapters[0].blocks
    assert isinstance(blocks[1], EndMatter) and text_of(blocks[1].content) == "tbc."
    assert isinstance(blocks[2], Note)


def test_closing_plea_inside_the_story_stays_prose():
    structure = detect("\"Let me know what you think,\" she said.\n\nHe did not answer.\n")
    assert all(isinstance(b, Para) for b in structure.chapters[0].blocks)


def test_every_nonblank_line_gets_exactly_one_decision():
    text = "Title: T\n\nA/N: hi\n\nStory.\nMore story.\n\n***\n\nEnd.\n"
    structure = detect(text)
    nonblank = [i for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    covered = [n for d in structure.detected for n in range(d.first_line, d.last_line + 1)]
    assert [n for n in covered if text.split("\n")[n - 1].strip()] == nonblank


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = (
        "It was the best of times, it was the worst of times, it was the age of\n"
        "wisdom, it was the age of foolishness, it was the epoch of belief, it\n"
        "was the epoch of incredulity, it was the season of Light, it was the\n"
        "season of Darkness, it was the spring of hope, it was the winter of\n"
        "despair, we had everything before us, we had nothing before us, we were\n"
        "all going direct to Heaven, we were all going direct the other way--in\n"
        "short, the period was so far like the present period.\n"
    )
    (chunk,) = chunk_lines(wrapped.rstrip("\n").split("\n"))
    assert chunk.joined and "\n" not in chunk.text and "age of wisdom" in chunk.text
    assert "way--in short" in chunk.text  # no space added after a wrapped dash


def test_short_lines_keep_their_breaks_and_long_lines_stand_alone():
    short = chunk_lines(["Dear John,", "I miss you.", "Love, Mary"])
    assert len(short) == 1 and short[0].text == "Dear John,\nI miss you.\nLove, Mary"
    long_line = "x" * 150
    assert len(chunk_lines([long_line, long_line, long_line])) == 3


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("[Title: Northbound]\n[Rating: K]\n\nThe bus was late.", [("Title", "Northbound"), ("Rating", "K")]),
        ("Автор: Полынь\nФэндом: Метро 2033\nРейтинг: PG-13\n\nЧай кончился.",
         [("Author", "Полынь"), ("Fandom", "Метро 2033"), ("Rating", "PG-13")]),
        ("Titre : La rue\nAuteure : Marie\n\nIl pleuvait.", [("Title", "La rue"), ("Author", "Marie")]),
    ],
)
def test_header_fields_in_brackets_and_other_languages(text, fields):
    assert [(f.label, f.value) for f, _ in detect(text).fields] == fields


def test_a_value_hard_wrapped_at_the_file_width_stays_in_its_field():
    text = (
        "Disclaimer: Sailor Moon and all the characters belong to Naoko\n"
        "Takeuchi, Kodansha, Toei and DiC. I'm just borrowing them! Please\n"
        "don't sue.\n\nThe river was high that night.\n"
    )
    kinds = [d.kind for d in detect(text).detected]
    assert kinds[:3] == ["front_matter"] * 3 and kinds[-1] == "prose"


def test_a_ruled_layout_without_blank_lines_splits_at_its_rules():
    text = (
        "==============================\n"
        "STORM SEASON\n"
        "A Fanfic by kilika\n"
        "==============================\n"
        "------------------------------\n"
        "I. THE HARBOUR\n"
        "------------------------------\n"
        "     Auron had been in the city for ten years, and he still had\n"
        "not got used to the lights.\n"
        "     They were everywhere, along the edges of the highways in\n"
        "long, unbroken ribbons.\n"
        "Chapter Two\n"
        "==========\n"
    )
    chunks = chunk_lines(text.split("\n"))
    assert [c.text for c in chunks if c.joined] == [
        "Auron had been in the city for ten years, and he still had not got used to the lights.",
        "They were everywhere, along the edges of the highways in long, unbroken ribbons.",
    ]
    kinds = {d.first_line: d.kind for d in detect(text).detected}
    assert kinds[5] == kinds[6] == kinds[7] == "heading", kinds  # the rules box the heading


def test_wrapped_values_stay_with_their_own_field():
    """An unknown field ("E-MAIL:") or a field kept out of the title page ("SPOILERS:")
    must not hand its words or its wrapped lines to the field above it."""
    text = (
        "TITLE: Cold Storage\nAUTHOR: Jessamyn Vale\nE-MAIL: jv@example.net\nRATING: PG-13 for language\n"
        "SPOILERS: Through \"Redux II\". If you\n     haven't seen those, go do that first.\n"
        "SUMMARY: A body in a meat locker in\n     Bemidji, Minnesota.\n\nMulder looked at the body for a long time."
    )
    fields = {f.label: f.value for f, _line in detect(text).fields}
    assert fields["Author"] == "Jessamyn Vale"
    assert fields["Rating"] == "PG-13 for language"
    assert fields["Summary"] == "A body in a meat locker in\nBemidji, Minnesota."
    assert "Spoilers" not in fields


def test_ao3_browser_copy_gives_title_and_author():
    """AO3 copied from a browser: labels and values on alternate lines, then the title and the
    author's handle on lines of their own above "Summary:"."""
    text = (
        "Rating:\nGeneral Audiences\nFandom:\nDoctor Who\nStats:\nPublished:\n2019-02-11\nKudos:\n203\nHits:\n2,341\n"
        "Tea for Two (and a TARDIS)\ncrimson_tardis\nSummary:\nYaz has never seen the Doctor drink tea.\n"
        "Work Text:\nThe kettle in the TARDIS kitchen had opinions, and it had never been shy about sharing them with anyone."
    )
    structure = detect(text)
    fields = {f.label: f.value for f, _line in structure.fields}
    assert fields["Title"] == "Tea for Two (and a TARDIS)"
    assert fields["Author"] == "crimson_tardis"
    kinds = {d.first_line: d.kind for d in structure.detected}
    assert kinds[11] == kinds[12] == "front_matter"  # "2,341" is a value, not a chapter number
    assert kinds[17] == "prose"
    assert fields["Published"] == "2019-02-11"


@pytest.mark.parametrize("line", ["ii.", "iv.", "(Y/N)'s POV", "~(Y/N)'s POV~"])
def test_lowercase_numerals_and_reader_insert_pov_are_headings(line):
    structure = detect(f"It rained.\n\n{line}\n\nThe sun came out.")
    assert [b.kind for b in structure.detected] == ["prose", "heading", "prose"], line


@pytest.mark.parametrize(
    "footer",
    ["Comment on this story | Add to favorites | Report", "Sign my guestbook! | View my guestbook",
     "Last edited: Oct 22, 2017\nReply\nReport\nReactions: Lord_Ruin and 214 others", "Actions\n↑ Top\n← Previous Chapter"],
)
def test_a_page_footer_is_end_matter(footer):
    story = "It rained all night and into the morning, and nobody in the house slept, " * 4
    structure = detect(f"{story.strip()}\n\nThe End\n\n{footer}\n")
    assert [b.kind for b in structure.detected][-1] == "end_matter", footer


def test_a_signature_in_columns_is_not_a_link_bar():
    text = 'It rained.\n\nThanks for reading!\n\n-- \nTeresa Okonkwo-Bright  | "Hey, it\'s not MY fault the panda\nkurenai@example.edu     |  ate the homework."\n'
    assert [b.kind for b in detect(text).detected][-1] == "note"


def test_a_script_speaker_who_comes_back_is_the_story_not_review_replies():
    text = "It rained.\n\nSam: DANNY!!!\n\nDanny: SAM?!\n\nSam: Need a lift?\n\nThe van pulled up.\n"
    assert all(b.kind == "prose" for b in detect(text).detected)


def test_a_credited_stanza_under_a_note_is_an_epigraph_not_wrapped_prose():
    text = (
        "Notes\n\nFor the Tavern Tales exchange! Thank you to my beta for the read-through.\n\n"
        "Cold hands, cold hands, come in from the snow,\nThere's a fire in the hearth and nowhere to go —\n"
        'Lyrics by Alfira, "The Hearthside Round"\n\n'
        "Fact: Karlach had not touched another living person in ten years.\n\n"
        + "She had done the math, lying awake at night with the engine ticking in her chest. " * 3
        + "\n\nAstarion was not going to be the first. Absolutely not.\n"
    )
    assert [b.kind for b in detect(text).detected] == ["note", "note", "epigraph", "prose", "prose", "prose"]


STORY = "It rained all night and into the morning, and nobody in the house slept a wink. " * 3


@pytest.mark.parametrize("first", ["Lanterns For Two || Xiao x Reader", "the diamond dogs group chat", "雪の日に傘はいらない"])
def test_a_lone_unpunctuated_first_line_is_the_title(first):
    structure = detect(f"{first}\n\n{STORY}\n\nThe next morning was no better.\n")
    assert [b.kind for b in structure.detected][:2] == ["front_matter", "prose"]
    assert structure.detected[0].rule == "title_line"


@pytest.mark.parametrize("first", ["London, 1888", "Three weeks later", '"Hey"', "No.", "- Harry -", "Where was he?"])
def test_a_story_that_opens_with_a_short_line_keeps_it(first):
    structure = detect(f"{first}\n\n{STORY}\n")
    assert structure.detected[0].kind != "front_matter", first


def test_a_title_under_the_head_notes_is_front_matter():
    text = (
        "thank you anon!!! this got a little long, oops. also I have not written Logan in ages so please be gentle\n\n"
        f"Cardigan Weather\n\n{STORY}\n\nLogan did not look up from his planner.\n"
    )
    assert [b.kind for b in detect(text).detected] == ["note", "front_matter", "prose", "prose"]


def test_title_and_handle_under_archive_stats_are_front_matter():
    text = (
        "Rating:\nMature\nFandom:\nCastlevania\nStats:\nPublished:2021-01-12 Chapters:3/6\n"
        f"Ember and Ash\nksenia_v\n\nChapter 3: The Third Night\n\n{STORY}\n"
    )
    kinds = {(b.first_line, b.kind) for b in detect(text).detected}
    assert (7, "front_matter") in kinds and (8, "front_matter") in kinds


@pytest.mark.parametrize("name", ["♥ ember", "Eure Jule", "~sparky ⚡"])
def test_a_bare_name_under_a_closing_note_signs_it(name):
    text = f"{STORY}\n\nSo this was my first songfic ever! Let me know what you think!\n{name}\n"
    assert [b.kind for b in detect(text).detected] == ["prose", "note", "note"]
    assert detect(text).detected[-1].rule == "bare_signature"


def test_a_short_last_line_of_the_story_stays_prose():
    text = f"{STORY}\n\nShe closed the door behind her.\n\nNever again\n"
    assert [b.kind for b in detect(text).detected] == ["prose", "prose", "prose"]


@pytest.mark.parametrize("marker", ["", "Continuará...\n\n"])
def test_a_decorated_name_closing_the_file_under_a_note_signs_it(marker):
    text = f"{STORY}\n\n{marker}¿Y? ¿Qué les pareció? ¡Por fa dejen reviews, me hacen muy feliz!\n\n~Bulmita~\n"
    detected = detect(text).detected
    assert (detected[-1].kind, detected[-1].rule) == ("note", "bare_signature")


def test_a_markdown_blockquote_note_is_a_note_not_a_quoted_post():
    text = f"---\ntitle: Knots\n---\n\n> **Content notes:** grief, an off-page death.\n\n{STORY}\n"
    assert [(b.first_line, b.kind) for b in detect(text).detected][-2:] == [(5, "note"), (7, "prose")]


def test_what_follows_a_contents_list_is_still_the_head():
    # FanFiction.Net copied from a browser: the chapter list, "Next >", then the disclaimer
    path = Path(__file__).parent / "fixtures" / "heldout5" / "naruto_ffnet_ashes.txt"
    head = path.read_text(encoding="utf-8").split("\n")[:25]
    kinds = {b.first_line: (b.kind, b.rule) for b in detect("\n".join(head)).detected}
    assert kinds[6][1] == "table_of_contents" and kinds[15][0] == "front_matter" and kinds[17][0] == "front_matter"


def test_a_disclaimer_at_a_chapter_end_is_front_matter_not_a_reply_to_a_review():
    text = f"{STORY}\n\nA/N: Thanks for reading!\n\nDisclaimer: I still don't own Naruto. Sad face.\n\nChapter 2\n\n{STORY}\n"
    kinds = {b.first_line: (b.kind, b.rule) for b in detect(text).detected}
    assert kinds[5] == ("front_matter", "tail_disclaimer")


def kinds_by_line(text: str) -> dict[int, str]:
    return {n: b.kind for b in detect(text).detected for n in range(b.first_line, b.last_line + 1)}


@pytest.mark.parametrize("line", ["-ˋˏ ༻❁༺ ˎˊ-", "⋆ ˚｡⋆୨୧˚ ˚｡⋆"])
def test_breaks_drawn_with_modifier_letters_and_foreign_digits(line):
    assert kinds_by_line(f"{STORY}\n\n{line}\n\n{STORY}\n")[3] == "scene_break"


def test_a_lone_x_between_paragraphs_is_a_break_but_not_under_a_note():
    assert kinds_by_line(f"{STORY}\n\nx\n\n{STORY}\n")[3] == "scene_break"
    assert kinds_by_line(f"{STORY}\n\nThanks for reading, loves!\n\nx\n")[5] != "scene_break"


@pytest.mark.parametrize(
    "head, kind",
    [("(y/n) = your name\n(f/c) = favourite colour", "front_matter"),
     ("SUBTEXT DISCLAIMER: This story assumes a loving relationship.", "front_matter"), ("A/N: Okay, some housekeeping.", "note")],
)
def test_header_lines_in_their_many_spellings(head, kind):
    assert kinds_by_line(f"{head}\n\n{STORY}\n")[1] == kind


def test_a_key_may_shout():
    assert header_key("disclaimer!!: this is about the CHARACTERS") == ("Disclaimer", "this is about the CHARACTERS")


def fixture_head(name: str, lines: int) -> dict[int, str]:
    path = next((Path(__file__).parent / "fixtures").glob(f"*/{name}.txt"))
    return kinds_by_line("\n".join(path.read_text(encoding="utf-8-sig").split("\n")[:lines]))


def test_story_notes_label_a_note_not_a_keyword_field():
    lines = fixture_head("lost_efiction_the-numbers-station", 30)  # eFiction: "Story Notes:" under the stats
    assert lines[14] == lines[15] == "note"


def test_a_disclaimer_closing_the_last_chapter_is_end_matter():
    text = f"{STORY}\n\nThe End\n\nDisclaimer: All publicly recognizable characters are the property of their owners.\n"
    assert kinds_by_line(text)[5] == "end_matter"


def test_two_contents_entries_over_next_are_the_chapter_list():
    lines = fixture_head("kurokonobasket_ffn_ignite", 40)  # FanFiction.Net: "1. Shadow / 2. Light / Next >"
    assert lines[7] == lines[8] == lines[9] == lines[13] == "front_matter"


@pytest.mark.parametrize("foot", ["< Prev\n\nReview", "[ Back to Fiction ] [ Home ]", "Page last updated 08/21/2006",
                                  "(this file last revised 2 May 2004)", "This story archived at http://www.example.net/viewstory.php?sid=1"])
def test_the_page_foot_is_end_matter(foot):
    lines = kinds_by_line(f"{STORY}\n\nThe End\n\n{foot}\n")
    assert all(lines[n] == "end_matter" for n in lines if n >= 5), lines


@pytest.mark.parametrize("mark", ["— end —", "SEE YOU SPACE COWBOY..."])
def test_more_end_marks(mark):
    assert kinds_by_line(f"{STORY}\n\n{mark}\n")[3] == "end_matter"


def test_a_chapter_line_under_a_paragraph_opens_a_chapter():
    text = f"{STORY}\nPatroclus turned around.\nChapter 3: Nyx — 150 words\nChapter Text\n{STORY}\n"
    structure = detect(text)
    assert [text_of(c.title) for c in structure.chapters][-1].startswith("Chapter 3: Nyx")


@pytest.mark.parametrize(
    "name, lines",
    [("sixofcrows_gdocs_what-the-hands-remember", (1, 2, 3)), ("straykids_wattpad_catcafeonthesecondfloor", (1, 2, 3, 4)),
     ("loreolympus_wattpad_pinkinthegardenofthedead", (1, 2, 3)), ("lacasadepapel_wattpad_la-isla", (1, 2))],
)
def test_the_first_block_names_the_story(name, lines):
    kinds = fixture_head(name, 12)
    assert all(kinds[n] == "front_matter" for n in lines), kinds


def test_a_first_block_of_prose_stays_prose():
    text = f"Harry woke to rain.\nHe did not get up.\nNot for hours.\n\n{STORY}\n"
    assert set(kinds_by_line(text).values()) == {"prose"}


def test_numbered_chapter_lines_with_a_wattpad_arrow():
    assert kinds_by_line(f"{STORY}\n\n02 ▸ the hook\n\n{STORY}\n")[3] == "heading"


def test_wattpad_chapter_furniture():
    text = (
        "Summer in Holmes Chapel (Harry Styles fanfic)\nby xohazzasgirlxo\n\nChapter 1 - The Bakery\n\n"
        f"Dedicated to niallsprincess_\n\n(picture of Ava on the side ---->)\n\n{STORY}\n"
    )
    lines = kinds_by_line(text)
    assert (lines[4], lines[6], lines[8], lines[10]) == ("heading", "front_matter", "note", "prose")


def test_a_one_shot_title_under_its_book_is_a_heading():
    text = f"One Shots || La Casa de Papel\n@riotokio_forever\n\nTokio x Río — La isla\n\n{STORY}\n"
    assert kinds_by_line(text)[4] == "heading"


def test_a_dedication_like_sentence_under_a_heading_is_prose():
    assert kinds_by_line(f"Chapter 1\n\nTo the left of the door stood a coat rack.\n\n{STORY}\n")[3] == "prose"


def test_particulars_under_a_chapter_heading():
    text = f"Chapter 1\n\nRequested by @ghoulqueen_77\nWord count: 1,318\n⚠ warning: mentions of blood ⚠\n\n{STORY}\n"
    lines = kinds_by_line(text)
    assert lines[3] == lines[4] == lines[5] == "front_matter" and lines[7] == "prose"


@pytest.mark.parametrize(
    "head",
    ["No mourners.\nNo funerals.\n— the Dregs",
     '"Every spark needs something to burn. See that they are given nothing."\n— from the private papers of Plutarch Heavensbee',
     '"The road remembers every foot that walks it, and forgives most of them." — old Shire saying'],
)
def test_quotations_credited_in_lower_case_are_epigraphs(head):
    text = f"Title: A Story\nRating: T\n\n{head}\n\n{STORY}\n\n{STORY}\n"
    lines = kinds_by_line(text)
    assert all(lines[n] == "epigraph" for n in range(4, 4 + head.count("\n") + 1)), lines


def test_an_end_mark_under_the_last_line_is_not_a_credit():
    text = f"{STORY}\n\nJarvis, for the first time in his existence, did not answer.\n\n-TBC-\n"
    assert kinds_by_line(text)[5] == "end_matter"


@pytest.mark.parametrize(
    "note",
    ["Thanks to Jo P. for the lightning-fast beta and for knowing what a fan belt looks like.",
     "For tallow_and_brass in the Hogswatch Exchange 2008! I hope this is the right sort of something.",
     "[AN] Okay, chapter 22 is shorter, it was originally the second half of this one.",
     "i think about them every day of my life. anyway!! reblogs > likes if you enjoyed"],
)
def test_more_ways_writers_talk(note):
    assert kinds_by_line(f"{STORY}\n\n{note}\n")[3] == "note"


def test_a_reblog_button_is_chrome_but_a_plea_for_reblogs_is_the_writer():
    assert kinds_by_line(f"{STORY}\n\nThe End\n\nReblog\n")[5] == "end_matter"
    assert kinds_by_line(f"{STORY}\n\nreblogs > likes if you want more of my feelings!! 🌿\n")[3] == "note"


def test_a_sharing_licence_at_the_end_is_end_matter():
    text = f"{STORY}\n\nThe End\n\nYou are free to share this story for non-commercial purposes, provided you credit the author.\n"
    assert kinds_by_line(text)[5] == "end_matter"


def test_an_ao3_preface_as_a_markdown_table():
    text = (
        "Rating: | Teen And Up Audiences  \n---|---  \nFandom: | Star Wars  \n\n### Summary\n\nA frozen moon.\n\n"
        f"### Notes\n\nContent notes, because I know some of you need them.\n\n{STORY}\n"
    )
    structure = detect(text)
    fields = {f.label: f.value for f, _line in structure.fields}
    assert fields["Rating"] == "Teen And Up Audiences" and fields["Fandom"] == "Star Wars"
    lines = kinds_by_line(text)
    assert lines[2] == "front_matter" and lines[9] == lines[11] == "note"


def test_a_lower_case_song_credit_under_sung_lines():
    text = (
        "Chapter 7: voicemail\n\n♪ i'll leave the hallway light on, just in case\n♪ you find your way back home before morning\n"
        f"lyrics: hallway light by june & the lanterns\n\n{STORY}\n\n{STORY}\n"
    )
    lines = kinds_by_line(text)
    assert lines[3] == lines[4] == lines[5] == "epigraph"


@pytest.mark.parametrize("line, kind", [("-Mikasa-", "heading"), ("~The Doctor~", "heading"), ("-Meanwhile-", "scene_break"),
                                        ("~Owari~", "end_matter"), ("*Move.*", "prose")])
def test_a_decorated_name_between_scenes_is_a_pov_heading(line, kind):
    assert kinds_by_line(f"{STORY}\n\n{line}\n\n{STORY}\n")[3] == kind


@pytest.mark.parametrize("line", ["+1", "+ One", "+1. Iroh", "#6 - + One"])
def test_the_plus_one_of_a_five_times_story_is_a_heading(line):
    assert kinds_by_line(f"5.\n\n{STORY}\n\n{line}\n\n{STORY}\n")[5] == "heading"


def test_a_lone_roman_one_is_a_heading_only_when_two_follows():
    assert kinds_by_line(f"I\n\n{STORY}\n\nII\n\n{STORY}\n")[1] == "heading"
    assert kinds_by_line(f"{STORY}\n\nI\n\n{STORY}\n")[3] == "prose"


def test_notas_de_la_autora_label_a_note_not_a_header_value():
    text = f"Título: Lluvia de otoño\nAutora: kagome_chan\nNotas de la autora: ¡Hola a todos! Este es mi primer fic largo.\n\n{STORY}\n"
    assert kinds_by_line(text)[3] == "note"


def test_a_mailing_list_footer_takes_its_rule_and_tagline():
    text = (
        f"{STORY}\n\n-- \nKate R.\n\n___________________________\nSENTINEL-ANGST -- fiction for fans of The Sentinel\n"
        'To unsubscribe send "SIGNOFF SENTINEL-ANGST" to LISTSERV@LISTSERV.AOL.COM\n'
    )
    lines = kinds_by_line(text)
    assert (lines[3], lines[4], lines[6], lines[7], lines[8]) == ("note", "note", "end_matter", "end_matter", "end_matter")


def test_a_word_document_story_under_a_centred_title_is_prose():
    text = (
        "                              The Quiet Watch\n                              by E. M. Hartwell\n"
        "                         for Margaret, who asked for Archie\n"
        + "".join(f"\t{STORY} Paragraph {n}.\n" for n in range(8))
    )
    structure = detect(text)
    lines = kinds_by_line(text)
    assert [lines[n] for n in (1, 2, 3)] == ["front_matter"] * 3 and all(lines[n] == "prose" for n in range(4, 12))
    fields = {f.label: f.value for f, _line in structure.fields}
    assert fields.get("Title") == "The Quiet Watch" and fields.get("Author") == "E. M. Hartwell"


def test_a_second_post_in_one_file_is_a_header_again():
    text = (
        f"{STORY}\n\ncontinued in part 2\n\n-- \nJo\n\n-----------------------------\n"
        "ONElist: where the world talks. http://www.onelist.com\n-----------------------------\n\n"
        'From: "J. Okafor" <jokafor@mindspring.com>\nTo: pretender_fic@onelist.com\n'
        "Subject: [pretender_fic] FIC: Paper Birds 2/2 (PG)\nDate: Sun, 9 May 1999 19:11:20 -0400\n\n"
        f"PAPER BIRDS\nPart Two\n\n{STORY}\n"
    )
    lines = kinds_by_line(text)
    assert (lines[8], lines[9], lines[12], lines[15]) == ("end_matter", "end_matter", "front_matter", "front_matter")


def test_a_quoted_email_in_the_story_is_not_a_header():
    text = f"{STORY}\n\nFrom: Walter Skinner\nTo: Fox Mulder\nSubject: Your expense report\nDate: Monday\n\n{STORY}\n"
    assert kinds_by_line(text)[3] == "prose"


@pytest.mark.parametrize(
    "note",
    ["Спасибо, что дочитали! Буду очень рада отзывам.", "Haiii gimana part 1?? Maaf kalau alurnya lambat hehe.",
     "Wrote this at about three in the morning after a vindaloo that I am still regretting."],
)
def test_writer_talk_in_more_languages_and_moods(note):
    assert kinds_by_line(f"{STORY}\n\n{note}\n")[3] == "note"


def test_more_head_and_foot_lines():
    head = "⚠️ WARNING: bxb, AU, OOC\nTokyo Revengers © Ken Wakui. Alur cerita punya aku!\n\n"
    lines = kinds_by_line(f"{head}{STORY}\n\nto be continue...\n\n(Post a new comment)\n")
    assert (lines[1], lines[2], lines[6], lines[8]) == ("front_matter", "front_matter", "end_matter", "end_matter")


def test_a_numbered_list_under_its_title_is_not_a_heading():
    text = f"{STORY}\n\nGRILLED CHEESE\n1. Cheese goes INSIDE.\n2. Ask Dad.\n\n{STORY}\n"
    assert set(kinds_by_line(text).values()) == {"prose"}


def test_a_note_in_a_hard_wrapped_header_runs_on_to_the_blank_line():
    text = (
        "Title: Cold Comfort\nAuthor: Maggie H.\nNotes: This first went out to the list in 1999 and a few people asked\n"
        "me to put it somewhere more permanent, so here it is, lightly dusted.\nThanks to Jan, who caught the worst of it then and is\n"
        f"still catching them now.\n\nPart One\n\n{STORY}\n"
    )
    lines = kinds_by_line(text)
    assert all(lines[n] == "note" for n in range(3, 7)) and lines[8] == "heading"


def test_ffn_buttons_and_a_guestbook_bar_after_the_end_are_end_matter():
    text = f"{STORY}\n\nThe End 🍔\n\nReview\nFollow/Fav\n\n[Back to Moonlight's Fanfic Page] [Home] [Sign my Guestbook!]\n"
    lines = kinds_by_line(text)
    assert all(lines[n] == "end_matter" for n in (3, 5, 6, 8)), lines


def test_a_title_box_drawn_with_tildes_is_front_matter():
    rule = "~*~" * 12
    text = f"{rule}\n                WINGS OVER GAEA\n             by Moonlight Serenade\n{rule}\n\n{STORY}\n"
    lines = kinds_by_line(text)
    assert lines[1] == lines[4] == "front_matter"


@pytest.mark.parametrize("heading", ["Chapter 2 ~ Pirate's Cove", "1 | The Party\n~Alec's POV~"])
def test_more_chapter_heading_shapes(heading):
    assert kinds_by_line(f"{STORY}\n\n{heading}\n\n{STORY}\n")[3] == "heading"


def test_a_signature_with_a_comma_signs_the_note():
    assert kinds_by_line(f"{STORY}\n\nThanks for reading, this was so fun to write!\n\n-- pp, sept 2023\n")[5] == "note"


def test_an_epigraph_in_one_block_under_a_notes_label():
    text = (
        "Notes:\n\nTitle from Rossetti because I am nothing if not predictable.\n\n"
        "Remember me when I am gone away,\nGone far away into the silent land;\nWhen you can no more hold me by the hand,\n"
        f'— Christina Rossetti, "Remember"\n\nChapter Text\n\n{STORY}\n'
    )
    lines = kinds_by_line(text)
    assert lines[3] == "note" and all(lines[n] == "epigraph" for n in range(5, 9))


def test_a_byline_alone_is_not_the_title():
    structure = detect(f"The Longest Tuesday\n===================\n\nby hedgewitchery\n\n{STORY}\n")
    fields = {f.label: f.value for f, _line in structure.fields}
    assert fields.get("Title") != "by hedgewitchery"


def test_a_chat_log_under_the_opening_note_is_the_story():
    text = (
        "a/n: i wrote this instead of sleeping. it is exactly as stupid as it sounds.\n\n"
        "Ninth House HOA (Official)\nharrowhark: It has come to my attention that someone has placed a skeleton in the bin.\n"
        "harrowhark: Again.\ngideon: counterpoint: calcium is a mineral.\nortus: It was not me.\ngideon: it was literally you ortus\n\n"
        f"{STORY}\n"
    )
    lines = kinds_by_line(text)
    assert lines[1] == "note" and all(lines[n] == "prose" for n in range(3, 9)), lines


@pytest.mark.parametrize(
    "head, kinds",
    [("Ashstar's Prophecy (Warriors Fanfic)\nby moonpaw_writes\n#warriors #warriorcats\n"
      "HI GUYS!!! This is my first warriors fanfic so please be nice :3\nDISCLAIMER: all characters belong to Erin Hunter!!",
      {4: "note", 5: "front_matter"}),
     ("The Letter Under The Cherry Tree\nBy: sakura_chan_4ever\n\nSakura finds a letter in her locker!! Who could it be from? "
      "S+S fluff. my first fic pls R&R!\n\nRated: Fiction K - English - Romance", {4: "front_matter"})],
)
def test_the_writer_greeting_among_the_fields_is_a_note_but_a_summary_is_not(head, kinds):
    lines = kinds_by_line(f"{head}\n\n{STORY}\n")
    assert {n: lines[n] for n in kinds} == kinds


def test_a_forum_threadmark_and_its_post_footer():
    text = f"1.1 - The Worst Monday\n\n{STORY}\n\nLast edited: Jan 11, 2019\n\n1.2 - Under Wizards\n\n{STORY}\n"
    lines = kinds_by_line(text)
    assert (lines[1], lines[5], lines[7]) == ("heading", "end_matter", "heading")


@pytest.mark.parametrize(
    "foot",
    ["[ Back to Sports Night fiction | Back to Dana's Desk ]\nThis page last updated 11/02/2003",
     "This work is distributed under the terms of the Archive of Our Own's Terms of\nService. Downloaded from archiveofourown.org on 2024-01-08."],
)
def test_more_page_feet(foot):
    lines = kinds_by_line(f"{STORY}\n\nThe End\n\n{foot}\n")
    assert lines[5] == lines[6] == "end_matter"


def test_a_group_chat_where_someone_speaks_twice_is_the_story():
    chat = "Nya: ok something is up with kai\n\nJay: HE'S COUGHING AT NIGHT\n\nCole: wait what\n\nLloyd: is he ok???\n\nNya: lloyd no"
    lines = kinds_by_line(f"{STORY}\n\n{chat}\n")
    assert all(lines[n] == "prose" for n in (3, 5, 7, 9, 11)), lines


def test_a_wattpad_foot_and_a_title_in_mathematical_bold():
    text = f"𝐜𝐡𝐚𝐩𝐭𝐞𝐫 𝐨𝐧𝐞: low tide\n\n{STORY}\n\nVote\n\nComment\n\nShare\n\nContinue to next part\n"
    lines = kinds_by_line(text)
    assert lines[1] == "heading" and all(lines[n] == "end_matter" for n in (5, 7, 9, 11)), lines


@pytest.mark.parametrize(
    "line, kind",
    [("  A/N: Set between Eragon and Eldest.", "note"), ("Thanks to Joan for the Russian and to Pat for patience.", "note"),
     ("anon you have no idea what you've unleashed. i have been thinking about this for WEEKS.", "note")],
)
def test_the_writer_under_a_header_block(line, kind):
    text = f"Title: The Umbrella Affair\nAuthor: Meg\nRating: G\n{line}\n\n{STORY}\n"
    assert kinds_by_line(text)[4] == kind


def test_zeros_and_an_authors_afterword():
    lines = kinds_by_line(f"{STORY}\n\n00000\n\n{STORY}\n\nAuthor's afterword: these started as warm-up exercises.\n")
    assert (lines[3], lines[7]) == ("scene_break", "note")
