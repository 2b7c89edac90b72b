"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from helpers import run_cli

def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, timeout=120)


def test_help_lists_the_build_command():
    result = run("--help")
    assert result.returncode == 0
    assert "build" in result.stdout


def test_build_help_lists_every_option():
    result = run("build", "--help")
    assert result.returncode == 0
    for option in ("--output-dir", "--format", "--title", "--author", "--lang", "--style", "--debug", "--series",
                   "--series-index", "--tag", "--cover"):  # fmt: skip
        assert option in result.stdout
    assert "folder is one book" in " ".join(result.stdout.split())


def test_series_tag_and_cover_flags_reach_the_book(tmp_path):
    import io
    import zipfile

    from PIL import Image

    art = tmp_path / "art.png"
    Image.new("RGB", (500, 800), (20, 90, 60)).save(art)
    result = run("build", str(SEEDS[0]), "--title", "T", "--series", "The Saga", "--series-index", "2.5", "--tag", "Angst",
                 "--tag", "Fluff", "--cover", str(art), "-o", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "t.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
        cover = Image.open(io.BytesIO(book.read("EPUB/images/cover.png")))
    assert '<meta name="calibre:series" content="The Saga"' in opf and 'content="2.5"' in opf
    assert "<dc:subject>Angst</dc:subject>" in opf and "<dc:subject>Fluff</dc:subject>" in opf
    assert cover.size == (500, 800)
    bad = run("build", str(SEEDS[0]), "--series-index", "-1", "-o", str(tmp_path / "o2"))
    assert bad.returncode == 2


def test_version():
    from fic2book import __version__

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"fic2book {__version__}"


def test_missing_input_is_one_clear_line_and_exit_1(tmp_path):
    result = run("build", str(tmp_path / "nope.txt"), "-o", str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no such file" in lines[0] and "nope.txt" in lines[0]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_debug_shows_the_traceback(tmp_path):
    result = run("build", str(tmp_path / "nope.txt"), "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_unknown_option_is_a_usage_error():
    result = run("build", "--no-such-option", str(SEEDS[0]))
    assert result.returncode == 2


def test_bad_format_and_bad_language_are_refused(tmp_path):
    assert run("build", str(SEEDS[0]), "--format", "mobi", "-o", str(tmp_path)).returncode == 2
    bad_lang = run("build", str(SEEDS[0]), "--lang", "not a language", "-o", str(tmp_path))
    assert bad_lang.returncode == 1 and "language" in bad_lang.stderr
    assert list(tmp_path.iterdir()) == []


def test_default_output_is_the_current_folder_named_after_the_title(tmp_path):
    seed = ROOT / "seeds" / "002_a2ee2a2070339c48.txt"
    result = run("build", str(seed), "--title", "So Close: A Story", "--author", "Jane Doe", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["so-close-a-story.epub"]
    opf = __import__("zipfile").ZipFile(tmp_path / "so-close-a-story.epub").read("EPUB/content.opf").decode()
    assert "<dc:title>So Close: A Story</dc:title>" in opf and ">Jane Doe</dc:creator>" in opf


def test_one_bad_input_does_not_stop_the_others(tmp_path):
    result = run("build", str(tmp_path / "missing.txt"), str(SEEDS[0]), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert len(list((tmp_path / "out").glob("*.epub"))) == 1


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"], ids=["empty", "whitespace"])
def test_empty_input_is_refused_without_output(tmp_path, content):
    story = tmp_path / "story.txt"
    story.write_bytes(content)
    result = run("build", str(story), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "empty" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_console_script_is_installed():
    from shutil import which

    script = Path(sys.executable).parent / "fic2book"
    assert script.exists() or which("fic2book"), "pip install must create the fic2book command"
