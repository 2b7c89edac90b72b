"""Themes load from a source checkout and from an installed wheel alike."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

from fic2book.errors import FicError
from fic2book.styles import available_styles, load_style


def test_default_theme_loads_and_styles_every_block_kind():
    name, css = load_style(None)
    assert name == "default"
    for selector in ("hr.scene-break", "blockquote.epigraph", "cite", ".titlepage", "ol.notes-list",
                     "p.end-matter", "p.note-marker", "body.cover", ".verse"):
        assert selector in css, selector


def test_unknown_theme_is_a_clear_error():
    with pytest.raises(FicError, match="unknown style 'nope'.*default"):
        load_style("nope")


def test_theme_from_a_css_path(tmp_path):
    css = tmp_path / "mine.css"
    css.write_text("p { color: red; }", encoding="utf-8")
    assert load_style(str(css)) == ("mine", "p { color: red; }")


def test_available_styles_lists_default():
    assert "default" in available_styles()


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
        assert "fic2book/styles/default/style.css" in names
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
