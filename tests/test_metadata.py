"""Metadata that comes from the text itself: the language its script names, and its direction."""

from __future__ import annotations

import pytest

from fic2book.metadata import script_language, text_direction
from fic2book.pipeline import Options, read_book


@pytest.mark.parametrize(
    "text,language",
    [
        ("Шла Саша по шоссе и сосала сушку.", "ru"),
        ("Їжак пішов додому, бо була ніч.", "uk"),
        ("Ђаво је дошао у село.", "sr"),
        ("彼女は窓の外を見た。雨が降っていた。", "ja"),
        ("下雨了。他没有说话，只是看着她。", "zh"),
        ("안녕하세요, 오늘 비가 와요.", "ko"),
        ("Καλημέρα, είπε η Ελένη.", "el"),
        ("كان يا ما كان في قديم الزمان.", "ar"),
        ("این یک داستان کوتاه است که گفتم.", "fa"),
        ("یہ ایک چھوٹی کہانی ہے۔", "ur"),
        ("שלום עולם, זה סיפור קצר.", "he"),
        ("ฝนตกหนักมากในคืนนั้น", "th"),
    ],
)
def test_a_script_that_names_its_language(text, language):
    assert script_language([text]) == language


@pytest.mark.parametrize(
    "texts",
    [
        ["She walked home in the rain."],
        ["Él caminó a casa bajo la lluvia."],  # Latin-script languages are not guessed
        ["She wrote שלום on the card and a long English sentence after it, as stories do."],
        ["2024 — 1, 2, 3!"],
        [],
    ],
)
def test_latin_or_mixed_text_names_no_language(texts):
    assert script_language(texts) is None


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("en", "ltr"), ("ja", "ltr")])
def test_direction(language, direction):
    assert text_direction(language) == direction


def _language(tmp_path, text: str, options: Options = Options()) -> str:
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    book, _ = read_book(path, options)
    return book.metadata.language


def test_the_story_text_gives_the_language_when_nothing_else_does(tmp_path):
    assert _language(tmp_path, "Title: Night\n\nكان يا ما كان في قديم الزمان، كانت هناك فتاة.\n") == "ar"
    assert _language(tmp_path, "Title: Night\n\nShe walked home.\n") == "en"


def test_the_flag_and_the_language_header_win_over_the_script(tmp_path):
    arabic = "كان يا ما كان في قديم الزمان، كانت هناك فتاة.\n"
    assert _language(tmp_path, f"Language: English\n\n{arabic}") == "en"
    assert _language(tmp_path, arabic, Options(lang="fa")) == "fa"
