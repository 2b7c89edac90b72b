"""Themes: every shipped theme styles every block kind in both media, and loads from a wheel too."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT
from helpers import run_epubcheck

from fic2book.errors import FicError
from fic2book.pipeline import Options, build
from fic2book.styles import DEFAULT_STYLE, available_styles, describe_style, load_style, load_theme, styles_root

EVERY_KIND = ROOT / "tests" / "fixtures" / "books" / "every_kind.txt"
BLOCK_SELECTORS = ("hr.scene-break", "p.scene-break", "blockquote.epigraph", "cite", ".titlepage", "h1.chapter-title",
                   "ol.notes-list", "section.notes", "p.end-matter", "p.note-marker", ".verse", "a.backlink")
MEDIUM_SELECTORS = {"epub": ("body.cover", "section.cover svg"), "print": ("section.cover-page", "nav.contents", "@page")}


def test_three_themes_are_shipped_and_classic_is_the_default():
    assert {"classic", "modern", "eink"} <= set(available_styles())
    assert DEFAULT_STYLE == "classic" and load_style(None)[0] == "classic"


@pytest.mark.parametrize("medium", ["epub", "print"])
@pytest.mark.parametrize("name", available_styles())
def test_every_theme_styles_every_block_kind(name, medium):
    css = "\n".join(layer.css for layer in load_theme(name).layers(medium))
    for selector in (*BLOCK_SELECTORS, *MEDIUM_SELECTORS[medium]):
        assert selector in css, f"{name}/{medium} lacks {selector}"
    assert ("-webkit-" in css) == (medium == "epub"), "prefixed rules belong in the EPUB layer only"


@pytest.mark.parametrize("name", available_styles())
def test_every_theme_describes_itself_in_one_line(name):
    line = describe_style(name)
    assert line and line != name and "\n" not in line and not line.startswith(name)


def test_unknown_theme_is_a_clear_error():
    with pytest.raises(FicError, match="unknown style 'nope'.*classic"):
        load_style("nope")
    with pytest.raises(FicError, match="unknown style"):
        load_style("../classic")


def test_theme_from_a_css_path_gets_the_common_layers(tmp_path):
    css = tmp_path / "mine.css"
    css.write_text("p { color: red; }", encoding="utf-8")
    name, text = load_style(str(css))
    assert name == "mine" and text.endswith("p { color: red; }") and "body.cover" in text
    print_layers = load_theme(str(css)).layers("print")
    assert [layer.folder for layer in print_layers] == [styles_root(), tmp_path.resolve()]


def test_theme_folder_with_its_own_layers(tmp_path):
    (tmp_path / "style.css").write_text("p { color: red; }", encoding="utf-8")
    (tmp_path / "print.css").write_text("p { color: blue; }", encoding="utf-8")
    theme = load_theme(str(tmp_path))
    assert [layer.css for layer in theme.layers("print")][1:] == ["p { color: red; }", "p { color: blue; }"]
    assert len(theme.layers("epub")) == 2


def test_styles_command_lists_each_theme_with_a_line():
    run = subprocess.run([sys.executable, "-m", "fic2book", "styles"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    listed = dict(re.match(r"(\S+)\s+(.+)", line).groups() for line in run.stdout.splitlines())
    assert set(listed) == set(available_styles())
    assert all(listed[name] == describe_style(name) for name in listed)


@pytest.mark.slow
@pytest.mark.parametrize("name", available_styles())
def test_epubcheck_passes_for_every_theme(name, tmp_path):
    (book,) = build(EVERY_KIND, tmp_path, Options(style=name))
    report = run_epubcheck(book)
    summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report.stdout)
    assert summary and summary.groups() == ("0", "0", "0"), report.stdout[-3000:]


@pytest.mark.slow
def test_styles_load_from_a_built_wheel(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("fic2book-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert {"fic2book/styles/classic/style.css", "fic2book/styles/print.css", "fic2book/styles/epub.css"} <= set(names)
        assert any(n.startswith("fic2book/styles/fonts/") for n in names)
        zf.extractall(tmp_path / "site")
    probe = (
        "import fic2book.styles as s; n, css = s.load_style(None); "
        "print(s.styles_root()); assert 'scene-break' in css"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "site" / "fic2book" / "styles")
