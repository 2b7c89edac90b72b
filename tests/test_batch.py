"""Batch conversion as a shell script meets it: many inputs, parallel workers, JSON lines, exit codes.

Everything runs the real CLI in a subprocess, on real files, except the unit
tests of naming and input expansion at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from helpers import CLI, run_cli

from fic2book.batch import Input, _Namer, check_template, expand, read_list, safe_file_name
from fic2book.errors import FicError

STORIES = sorted((ROOT / "tests" / "fixtures" / "structure").glob("*.txt"))
BAD = {
    "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "empty.txt": b"",
    "undecodable.txt": b"\x01\x02\x80\x81\xfe\xff\x03\x9d" * 300,
}


def run(*args: str, cwd: Path | None = None, stdin: str | None = None, env: dict | None = None):
    return run_cli(*args, cwd=cwd, input=stdin, env=env)


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def books(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def fifty(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """47 good stories and 3 bad ones (binary, empty, undecodable) spread among them."""
    folder = tmp_path_factory.mktemp("fifty")
    good = [shutil.copy(story, folder / f"{i:02d}-{story.name}") for i, story in enumerate(STORIES[:47])]
    inputs = [Path(p) for p in good]
    for position, (name, data) in zip((0, 20, 49), BAD.items()):
        bad = folder / f"bad-{name}"
        bad.write_bytes(data)
        inputs.insert(position, bad)
    assert len(inputs) == 50
    return inputs


@pytest.fixture(scope="module")
def fifty_runs(fifty: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple]:
    out = {}
    for jobs in (1, 2, 4):
        folder = tmp_path_factory.mktemp(f"jobs{jobs}")
        result = run("build", *map(str, fifty), "-o", str(folder), "--json", "--jobs", str(jobs))
        out[jobs] = (result, folder)
    return out


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_fifty_inputs_three_bad_reported_in_order_exit_1(fifty, fifty_runs, jobs):
    result, folder = fifty_runs[jobs]
    assert result.returncode == 1, result.stderr
    records = json_lines(result.stdout)  # every line is one JSON object
    assert [r["input"] for r in records] == [str(p) for p in fifty]
    keys = {"input", "outputs", "title", "author", "encoding", "chapters", "words", "warnings", "error", "seconds",
            "skipped"}  # fmt: skip
    assert all(set(r) == keys for r in records)
    failed = {Path(r["input"]).name: r["error"] for r in records if r["error"]}
    assert set(failed) == {f"bad-{name}" for name in BAD}
    assert "PNG" in failed["bad-binary.txt"] and "empty" in failed["bad-empty.txt"]
    assert "binary data" in failed["bad-undecodable.txt"]
    good = [r for r in records if not r["error"]]
    assert len(good) == 47
    for r in good:
        (output,) = r["outputs"]
        assert Path(output).parent == folder and Path(output).is_file()
        assert r["chapters"] >= 1 and r["words"] > 0 and r["title"] and r["encoding"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(r["outputs"][0]).name for r in good)
    # Human messages go to stderr: one line per input, then the summary.
    for path in fifty:
        assert str(path) in result.stderr
    assert "47 converted, 3 failed" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_jobs_1_2_and_4_write_identical_books(fifty_runs):
    one, two, four = (books(fifty_runs[jobs][1]) for jobs in (1, 2, 4))
    assert len(one) == 47 and one == two == four


def test_same_title_gets_numbered_names_in_input_order_and_a_rerun_overwrites(tmp_path):
    seeds = [str(s) for s in SEEDS]
    result = run("build", *seeds, seeds[0], "--title", "So Close", "-o", str(tmp_path), "--json", "-j", "2")
    assert result.returncode == 0, result.stderr
    names = [Path(r["outputs"][0]).name for r in json_lines(result.stdout)]
    assert names == ["so-close.epub", "so-close-2.epub", "so-close-3.epub", "so-close-4.epub"]
    # The first and the last input are the same story: same book, under two names.
    assert (tmp_path / "so-close.epub").read_bytes() == (tmp_path / "so-close-4.epub").read_bytes()
    again = run("build", *seeds, seeds[0], "--title", "So Close", "-o", str(tmp_path), "--json", "-j", "1")
    assert [Path(r["outputs"][0]).name for r in json_lines(again.stdout)] == names
    assert len(list(tmp_path.iterdir())) == 4


def test_name_template_and_a_safe_file_name(tmp_path):
    story = tmp_path / "the-story.txt"
    story.write_text("Title: So: Close/Far?\nAuthor: Jane Doe\n\nIt rained.\n", encoding="utf-8")
    result = run("build", str(story), "--name-template", "{author} - {title} [{lang}, {stem}]", "-o", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["Jane Doe - So - Close-Far- [en, the-story].epub"]


@pytest.mark.parametrize("template", ["{title!r}", "{nope}", "{title.upper}", "plain", "{title:>9}"])
def test_bad_name_template_is_a_usage_error(tmp_path, template):
    result = run("build", str(SEEDS[0]), "--name-template", template, "-o", str(tmp_path))
    assert result.returncode == 2 and "--name-template" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_quoted_globs_folders_and_patterns_that_match_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for n in (10, 2, 1):
        (src / f"ch{n}.txt").write_text(f"Title: Chapter {n}\n\nWords for part {n}.\n", encoding="utf-8")
    (tmp_path / "a folder").mkdir()
    result = run(
        "build", str(src / "ch*.txt"), str(tmp_path / "a folder"), str(tmp_path / "none*.txt"),
        "-o", str(tmp_path / "out"), "--json",
    )  # fmt: skip
    assert result.returncode == 1
    records = json_lines(result.stdout)
    assert [Path(r["input"]).name for r in records] == ["ch1.txt", "ch2.txt", "ch10.txt", "a folder", "none*.txt"]
    assert [r["error"] is None for r in records] == [True, True, True, False, False]
    assert "folder" in records[3]["error"] and "matches" in records[4]["error"]


def test_inputs_from_a_list_file_and_from_stdin(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"# my stories\n\n{SEEDS[0]}\n   \n{SEEDS[1]}\n# {SEEDS[2]}\n", encoding="utf-8")
    result = run("build", "--from", str(listing), "--from", "-", "-o", str(tmp_path / "o"), "--json",
                 stdin=f"{SEEDS[2].name}\n")  # fmt: skip
    records = json_lines(result.stdout)
    assert [r["input"] for r in records] == [str(SEEDS[0]), str(SEEDS[1]), SEEDS[2].name]
    assert records[2]["error"] == "no such file"  # relative to the current folder, not to the list
    in_seeds = run("build", "--from", "-", "-o", str(tmp_path / "p"), cwd=SEEDS[0].parent, stdin=SEEDS[2].name)
    assert in_seeds.returncode == 0, in_seeds.stderr


def test_missing_list_and_no_inputs_are_usage_errors(tmp_path):
    assert run("build", "--from", str(tmp_path / "nope.txt")).returncode == 2
    assert run("build").returncode == 2


def test_empty_list_converts_nothing_and_succeeds(tmp_path):
    result = run("build", "--from", "-", "-o", str(tmp_path), stdin="# nothing yet\n")
    assert result.returncode == 0 and result.stdout == ""


def test_fail_fast_stops_at_the_first_failure(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("build", str(SEEDS[0]), str(bad), str(SEEDS[1]), str(SEEDS[2]), "--fail-fast", "--json", "-j", "2",
                 "-o", str(tmp_path / "o"))  # fmt: skip
    assert result.returncode == 1
    records = json_lines(result.stdout)
    assert len(records) == 4 and records[0]["error"] is None and "empty" in records[1]["error"]
    assert all("--fail-fast" in r["error"] for r in records[2:])
    assert [p.name for p in (tmp_path / "o").iterdir()] == [Path(records[0]["outputs"][0]).name]


def test_skip_existing_skips_books_newer_than_their_input(tmp_path):
    stories = []
    for seed in SEEDS:
        stories.append(shutil.copy(seed, tmp_path / seed.name))
    out = tmp_path / "o"
    first = json_lines(run("build", *stories, "-o", str(out), "--json").stdout)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    os.utime(stories[1], ns=(time.time_ns() + 10**10,) * 2)  # edited after its book was made
    again = run("build", *stories, "-o", str(out), "--json", "--skip-existing", "-j", "2")
    assert again.returncode == 0, again.stderr
    records = json_lines(again.stdout)
    assert [r["skipped"] for r in records] == [True, False, True]
    assert [r["outputs"] for r in records] == [r["outputs"] for r in first]
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    changed = {name for name in stamps if stamps[name] != after[name]}
    assert changed == {Path(first[1]["outputs"][0]).name}


def test_quiet_prints_only_errors(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("build", str(SEEDS[0]), str(bad), "-q", "-o", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"fic2book: error: {bad}: the file is empty"]
    assert result.stdout == ""


def _run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return proc.wait(timeout=600), output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal_and_never_under_ci(tmp_path):
    args = ["build", *map(str, SEEDS), "-o", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm"}
    code, shown = _run_with_terminal_stderr(args, env)
    assert code == 0 and b"Converting" in shown and b"\x1b[" in shown
    code, shown = _run_with_terminal_stderr(args, env | {"CI": "true"})
    assert code == 0 and b"Converting" not in shown and b"\x1b[" not in shown
    piped = run("build", *map(str, SEEDS), "-o", str(tmp_path))
    assert "Converting" not in piped.stderr and "\x1b[" not in piped.stderr


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("many")
    return [str(shutil.copy(story, folder / f"{i:03d}.txt")) for i, story in enumerate(STORIES[:80])]


@pytest.mark.parametrize("sig,code,jobs", [(signal.SIGINT, 130, "1"), (signal.SIGTERM, 143, "2"), (signal.SIGINT, 130, "2")])
def test_interrupt_keeps_finished_books_and_leaves_no_temporary_file(tmp_path, many, sig, code, jobs):
    # a shell that starts a job in the background has it ignore SIGINT, and Python then keeps
    # ignoring it; give the CLI Ctrl-C as a terminal would, however this test run was started
    proc = subprocess.Popen(
        [*CLI, "build", *many, "-o", str(tmp_path), "-j", jobs], stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    while not list(tmp_path.glob("*.epub")) and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(sig)
    stderr = proc.communicate(timeout=120)[1]
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left and all(name.endswith(".epub") for name in left), left
    assert len(left) < len(many)
    for name in left:  # every book that is there is whole
        with zipfile.ZipFile(tmp_path / name) as book:
            assert book.testzip() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_that_dies_fails_only_its_input(tmp_path):
    import threading

    from fic2book.batch import Batch
    from fic2book.pipeline import Options

    big = tmp_path / "big.txt"
    big.write_text("Title: Big\n\n" + ("Words and more words, said she. " * 40 + "\n\n") * 6000, encoding="utf-8")
    inputs = [Input(str(big), big)] + [Input(str(s), s) for s in SEEDS]

    def kill_when_busy(batch: Batch) -> None:
        while batch._pool is None:
            time.sleep(0.01)
        pid = batch._pool._workers[0].process.pid
        while True:  # idle workers use no CPU: once this one has, it is converting the big story
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[11]) + int(fields[12]) > 5:
                break
            time.sleep(0.01)
        os.kill(pid, signal.SIGKILL)

    with Batch(tmp_path / "out", Options(), jobs=2) as batch:
        killer = threading.Thread(target=kill_when_busy, args=(batch,))
        killer.start()
        results = list(batch.run(inputs))
        killer.join()
    assert "killed by SIGKILL" in results[0].error
    assert [r.error for r in results[1:]] == [None, None, None]
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".epub"] * 3


def test_help_documents_exit_codes_and_completion():
    main_help = run("--help").stdout
    assert "--install-completion" in main_help
    build_help = " ".join(run("build", "--help").stdout.split())
    for text in ("0 every input converted", "1 at least one failed", "2 usage error", "--jobs", "--json",
                 "--from", "--fail-fast", "--skip-existing", "--name-template", "--quiet"):  # fmt: skip
        assert text in build_help


def test_help_imports_no_weasyprint_and_an_epub_build_neither(tmp_path):
    help_run = subprocess.run([sys.executable, "-X", "importtime", "-m", "fic2book", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "weasyprint" not in help_run.stderr and "fic2book.pipeline" not in help_run.stderr
    build_run = subprocess.run([sys.executable, "-X", "importtime", "-m", "fic2book", "build", str(SEEDS[0]), "-o",
                                str(tmp_path)], capture_output=True, text=True)  # fmt: skip
    assert build_run.returncode == 0 and "weasyprint" not in build_run.stderr


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(
    "text,name",
    [
        ("So Close", "So Close"),
        ("../../etc/passwd", "etc-passwd"),
        ("-rf /", "rf"),
        (".hidden", "hidden"),
        ('He said: "No" | <b>?*', "He said - 'No' - -b"),
        ("tab\there\nnewline", "tab here newline"),
        ("CON", "CON_"),
        ("", "book"),
        ("...", "book"),
        ("Война и мир", "Война и мир"),
        ("é" * 300, "é" * 100),
    ],
)
def test_safe_file_name(text, name):
    assert safe_file_name(text) == name


def test_namer_numbers_collisions_and_never_takes_an_input(tmp_path):
    story = tmp_path / "x.epub"
    namer = _Namer(tmp_path, [story])
    assert namer.claim("x", ["epub"]) == [tmp_path / "x-2.epub"]
    assert namer.claim("X", ["epub", "pdf"]) == [tmp_path / "X-3.epub", tmp_path / "X-3.pdf"]
    assert namer.claim("y", ["pdf"]) == [tmp_path / "y.pdf"]


def test_expand_keeps_order_and_sorts_pattern_matches_naturally(tmp_path):
    for name in ("b10.txt", "b9.txt", "a[1].txt"):
        (tmp_path / name).write_text("x")
    got = expand([str(tmp_path / "b*.txt"), str(tmp_path / "a[1].txt"), str(tmp_path / "zz?.txt"), "missing.txt"])
    assert [Path(i.label).name for i in got] == ["b9.txt", "b10.txt", "a[1].txt", "zz?.txt", "missing.txt"]
    assert got[3].path is None and got[3].error and got[4].path == Path("missing.txt")


def test_read_list(tmp_path):
    listing = tmp_path / "l"
    listing.write_bytes(b"\xef\xbb\xbfa.txt\r\n  # note\r\n\r\n b c.txt \r\n")
    assert read_list(str(listing)) == ["a.txt", "b c.txt"]
    with pytest.raises(FicError):
        read_list(str(tmp_path / "none"))


@pytest.mark.parametrize("template", ["{title}", "{author} - {title}", "{stem}.{lang}", "{{x}} {title}"])
def test_good_templates(template):
    check_template(template)
