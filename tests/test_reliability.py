"""The catalogue of bad, hostile and odd inputs: each gets a valid book or one clear error.

Every case runs the real command line in its own process. A case that should
give a book must exit 0 with a well-formed EPUB (and a PDF, where the case
asks for one) that holds every word; EPUBCheck checks them all in one slow
test. A case that should fail must exit 1 with exactly one line on stderr,
no traceback and no file in the output folder. In both, the input files are
unchanged and nothing is written outside the output folder.

``docs/reliability.md`` has a row for each case, named by its ``id``; a test
keeps the two in step.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import CLI, NS, Epub, missing_words, run_cli, run_epubcheck, structural_problems

from fic2book.encoding import decode

STORY = (
    "Title: The Lantern\nAuthor: Wren\n\n"
    "The lantern swung in the wind, and Mara held it higher.\n\n"
    '"Keep going," said Tobin. "The bridge is near."\n\n'
    "***\n\n"
    "They crossed at dawn, wet to the knees and laughing.\n"
)


# ---------------------------------------------------------------- the inputs


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(names: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write(name: str, data: bytes | str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return ["--", name]

    return make


def _many_headings(count: int) -> str:
    return "Title: Many Chapters\n\n" + "".join(f"Chapter {i}\n\nShe took step {i} and stopped.\n\n" for i in range(1, count + 1))


@cache
def _novel_words() -> list[str]:
    """Real prose, from the fixture stories, for the big inputs."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "stories").glob("*.txt")))
    return [word for word in text.split() if ":" not in word]  # no "Title:" to make a header of the line


def _fifty_mb(folder: Path) -> list[str]:
    paragraph = " ".join(_novel_words()[:400]) + "\n\n"
    chapter = "".join(paragraph for _ in range(40))
    with (folder / "huge.txt").open("w", encoding="utf-8") as out:
        out.write("Title: Huge\n\n")
        number = 0
        while out.tell() < 50 * 2**20:
            number += 1
            out.write(f"Chapter {number}\n\n{chapter}")
    return ["huge.txt"]


def _one_long_line(folder: Path) -> list[str]:
    words = " ".join(_novel_words())
    line = (words + " ") * (5 * 2**20 // len(words) + 1)
    (folder / "line.txt").write_text("Title: One Line\n\n" + line[: 5 * 2**20].rstrip() + "\n", encoding="utf-8")
    return ["line.txt"]


def _too_long_for_a_pdf(folder: Path) -> list[str]:
    from fic2book.pipeline import PDF_MAX_CHARS

    paragraph = " ".join(_novel_words()[:400]) + "\n\n"
    (folder / "long.txt").write_text("Title: Long\n\n" + paragraph * (PDF_MAX_CHARS // len(paragraph) + 20), encoding="utf-8")
    return ["long.txt"]


def _long_chapter(folder: Path) -> list[str]:
    from fic2book.pipeline import PDF_CHAPTER_MAX_CHARS

    sentence = "The lantern swung in the wind, and Mara held it higher over the dark water. "
    line = sentence * (PDF_CHAPTER_MAX_CHARS // len(sentence) + 100)
    (folder / "line.txt").write_text("Title: One Chapter\n\n" + line.rstrip() + "\n", encoding="utf-8")
    return ["line.txt"]


def _names(folder: Path) -> list[str]:
    names = ["my story.txt", "it's \"quoted\".txt", "Ünïcödé ストーリー.txt", "-leading dash.txt"]
    for name in names:
        (folder / name).write_text(f"A story saved as {name!r}, read all the same.\n", encoding="utf-8")
    return ["--", *names]


def _missing(folder: Path) -> list[str]:
    return ["not-there.txt"]


def _no_text_files(folder: Path) -> list[str]:
    (folder / "pictures").mkdir()
    (folder / "pictures" / "cover.png").write_bytes(_png())
    (folder / "pictures" / "notes.docx").write_bytes(_zip({"word/document.xml": b"<w/>"}))
    return ["pictures"]


def _fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.txt")
    return ["pipe.txt"]


def _dangling(folder: Path) -> list[str]:
    (folder / "link.txt").symlink_to(folder / "gone.txt")
    return ["link.txt"]


def _output_is_a_file(folder: Path) -> list[str]:
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "books").write_text("I am a file, not a folder.\n", encoding="utf-8")
    return ["story.txt", "-o", "books"]


def _output_equals_input(folder: Path) -> list[str]:
    """A text file named like the book it would make, converted into its own folder."""
    (folder / "the-lantern.epub").write_text(STORY, encoding="utf-8")
    return ["the-lantern.epub", "-o", "."]


def _escaping_names(folder: Path) -> list[str]:
    (folder / "story.txt").write_text("Title: ../../../etc/evil\n\nA title that climbs out of folders.\n", encoding="utf-8")
    return ["story.txt", "--name-template", "../{title}/{stem}"]


def _symlinked_name(folder: Path) -> list[str]:
    """The book's name is taken by a symlink to a file outside the output folder."""
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "victim.txt").write_text("Do not overwrite me.\n", encoding="utf-8")
    (folder / "out").mkdir()
    (folder / "out" / "the-lantern.epub").symlink_to(folder / "victim.txt")
    return ["story.txt"]


def _too_big(folder: Path) -> list[str]:
    with (folder / "sparse.txt").open("wb") as handle:
        handle.truncate(100 * 2**30)  # 100 GB of nothing: reading it whole would take minutes
    return ["sparse.txt"]


def _over_max_size(folder: Path) -> list[str]:
    (folder / "story.txt").write_text(STORY * 40, encoding="utf-8")
    return ["story.txt", "--max-size", "4K"]


def _folder_over_max_size(folder: Path) -> list[str]:
    (folder / "chapters").mkdir()
    for i in range(3):
        (folder / "chapters" / f"{i + 1:02d}.txt").write_text(STORY * 20, encoding="utf-8")
    return ["chapters", "--max-size", "10K"]


HOSTILE = (
    '<!DOCTYPE story [<!ENTITY boom "BOOM">]>\n\n'
    "Title: Tom & Jerry <script>alert('x')</script>\n\n"
    "She typed <script>alert(document.cookie)</script> & hit enter; the page said ]]> and &boom; and &amp;.\n\n"
    '<img src="http://example.com/x.png" onerror="alert(1)"> <a href="javascript:alert(1)">click</a>\n\n'
    "<?xml-stylesheet href='evil.css'?> <![CDATA[ raw ]]> <!-- a comment --> x < y && y > z\n"
)


@dataclass(frozen=True)
class Case:
    """One input of the catalogue and what it must get."""

    id: str
    make: Callable[[Path], list[str]]
    """Writes the input into the folder; returns the command-line arguments after ``build``."""
    outcome: str  # "book" or "error"
    says: str = ""
    """For an error: words the one line must hold. For a book: a warning it must print."""
    pdf: bool = True
    marks: tuple[pytest.MarkDecorator, ...] = ()
    output: str = "out"
    """The output folder the case uses (``-o`` in its arguments, else ``out``)."""
    books: int = 1


CASES = [
    Case("empty-file", _write("empty.txt", b""), "error", "is empty"),
    Case("whitespace-only", _write("blank.txt", " \n\t\n\r\n   \n"), "error", "nothing but white space"),
    Case("png-as-text", _write("story.txt", _png()), "error", "PNG image"),
    Case("zip-as-text", _write("story.txt", _zip({"chapter.txt": b"hello"})), "error", "ZIP archive"),
    Case("pdf-as-text", _write("story.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), "error", "PDF document"),
    Case("epub-as-text", _write("story.epub", _zip({"mimetype": b"application/epub+zip", "META-INF/container.xml": b"<x/>"})), "error", "EPUB e-book"),
    Case("mostly-nul", _write("story.txt", b"T\x00i\x00t\x00l\x00e\x00" + b"\x00" * 400), "error", "binary"),
    Case("nul-bytes-in-text", _write("story.txt", STORY.encode() * 20 + b"She said\x00 nothing.\x00\n"), "book", "NUL"),
    Case("undecodable-bytes", _write("story.txt", STORY.encode() + b"\nCaf\xe9 \x81\x8d \xff\xfe bytes no codec agrees on.\n"), "book"),
    Case("undecodable-in-given-encoding", lambda f: ["--encoding", "utf-8", *_write("story.txt", STORY.encode() + b"Caf\xe9 au lait.\n")(f)], "book", "could not be decoded"),
    Case("markup-and-entities", _write("story.txt", HOSTILE), "book"),
    Case("xml-forbidden-controls", _write("story.txt", STORY + "Bell\x07 tab\x0b feed\x0c escape\x1b[31m del\x7f end\ufffe\uffff.\n"), "book"),
    Case("lone-surrogates", _write("story.txt", b"\xff\xfe" + STORY.encode("utf-16-le") + b"\x00\xd8" + "tail of the story.\n".encode("utf-16-le")), "book"),
    Case("arabic-rtl", _write("story.txt", "Title: قصة الليل\nAuthor: سارة\n\nكان يا ما كان في قديم الزمان، كانت هناك فتاة تحب المطر.\n\n***\n\nفي الصباح، خرجت إلى الحديقة.\n"), "book"),
    Case("hebrew-rtl", _write("story.txt", "Title: לילה\n\nהיא הלכה הביתה בגשם, והפנס נדנד ברוח.\n\n\"קדימה,\" אמר טובין.\n"), "book"),
    Case("cjk", _write("story.txt", "Title: 雨の日\n\n第一章\n\n雨が降っていた。彼女は窓の外を見た。\n\n下雨了。他没有说话。\n\n비가 왔다.\n"), "book"),
    Case("emoji-and-combining", _write("story.txt", "Title: Flags 🏳️‍🌈\n\nShe laughed 😂👩‍👩‍👧 at the cafe\u0301 sign: Z\u0351\u0352a\u0353l\u0354g\u0355o 🇯🇵.\n\nÅngström, naïve, ﬁne, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n"), "book"),
    Case("300-letter-word", _write("story.txt", "Title: Long Word\n\nThe word was " + "a" * 300 + " and then it ended.\n\n" + "Bb" * 150 + "\n"), "book"),
    Case("one-5-mb-line", _one_long_line, "book", pdf=False, marks=(pytest.mark.slow,)),
    Case("20000-headings", lambda f: [*_write("many.txt", _many_headings(20_000))(f)], "book", pdf=False, marks=(pytest.mark.slow,)),
    Case("50-mb-text", _fifty_mb, "book", pdf=False, marks=(pytest.mark.slow,)),
    Case("too-long-for-a-pdf", _too_long_for_a_pdf, "error", "too long for a PDF", marks=(pytest.mark.slow,)),
    Case("chapter-too-long-for-a-pdf", _long_chapter, "error", "has a chapter too long for a PDF", marks=(pytest.mark.slow,)),
    Case("awkward-file-names", _names, "book", books=4),
    Case("missing-path", _missing, "error", "no such file"),
    Case("folder-without-text-files", _no_text_files, "error", "no story files"),
    Case("named-pipe", _fifo, "error", "not a regular file"),
    Case("dangling-symlink", _dangling, "error", "no such file"),
    Case("output-folder-is-a-file", _output_is_a_file, "error", "is a file", output="books"),
    Case("output-equals-input", _output_equals_input, "book", output=".", pdf=False),
    Case("name-escaping-the-folder", _escaping_names, "book", pdf=False),
    Case("name-taken-by-a-symlink", _symlinked_name, "book", pdf=False),
    Case("larger-than-the-limit", _too_big, "error", "larger than the 64 MB limit"),
    Case("larger-than-max-size", _over_max_size, "error", "larger than the 4 KB limit"),
    Case("folder-larger-than-max-size", _folder_over_max_size, "error", "more than the 10 KB limit"),
]


# ---------------------------------------------------------------- running a case


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under ``folder`` (but ``skip``) with a digest of its bytes; links as links."""
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_symlink():
            seen[str(path.relative_to(folder))] = f"-> {os.readlink(path)}"
        elif path.is_file() and path.stat().st_size > 2**30:  # the sparse 100 GB file: reading it is the bug
            seen[str(path.relative_to(folder))] = f"{path.stat().st_size} bytes at {path.stat().st_mtime_ns}"
        elif path.is_file():
            seen[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif not path.is_dir():
            seen[str(path.relative_to(folder))] = "special"
    return seen


@dataclass
class Run:
    case: Case
    folder: Path
    output: Path
    args: list[str]
    code: int
    stderr: str
    before: dict[str, str]
    after: dict[str, str]
    books: list[Path] = field(default_factory=list)


def cli(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return run_cli("build", *args, cwd=cwd, env={"CI": "true"}, timeout=900, **kwargs)


def run_case(case: Case, folder: Path) -> Run:
    folder.mkdir(parents=True, exist_ok=True)
    args = case.make(folder)
    output = folder / case.output
    if "-o" not in args:
        args = ["-o", case.output, *args]
    formats = ["-f", "epub", "-f", "pdf"] if case.pdf else ["-f", "epub"]
    before = snapshot(folder, skip=output if case.output != "." else None)
    done = cli([*formats, *args], folder)
    after = snapshot(folder, skip=output if case.output != "." else None)
    books = sorted(p for p in output.glob("*") if p.suffix in (".epub", ".pdf") and not p.is_symlink()) if output.is_dir() else []
    if case.output == ".":
        books = [p for p in books if str(p.relative_to(folder)) not in before]
    return Run(case, folder, output, args, done.returncode, done.stderr, before, after, books)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every fast case run once (two at a time); the slow ones run in their own tests."""
    root = tmp_path_factory.mktemp("catalogue")
    fast = [case for case in CASES if not case.marks]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda case: run_case(case, root / case.id), fast))
    return {run.case.id: run for run in done}


def _params(cases: list[Case]) -> list:
    return [pytest.param(case, id=case.id, marks=case.marks) for case in cases]


def letters(text: str) -> Counter[str]:
    """Letters and digits, case-folded: what a PDF must hold whatever its line breaks (CJK has no spaces)."""
    return Counter(ch for ch in text.casefold() if ch.isalnum())


def check_error(run: Run) -> None:
    assert run.code == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("fic2book: error: "), lines[0]
    assert run.case.says in lines[0], lines[0]
    assert not run.output.exists() or run.output.is_file() or not any(run.output.iterdir()), "output written"
    assert run.after == run.before, "an input changed or a file appeared outside the output folder"


def check_book(run: Run) -> None:
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    if run.case.says:
        assert run.case.says in run.stderr, run.stderr
    made = {str(book.relative_to(run.folder)) for book in run.books}
    assert {k: v for k, v in run.after.items() if k not in made} == run.before, "an input changed or a file appeared outside the output folder"
    leftovers = [p.name for p in run.output.iterdir() if p.name.startswith(".") or p.suffix == ".part"]
    assert not leftovers, leftovers
    epubs = [p for p in run.books if p.suffix == ".epub"]
    assert len(epubs) == run.case.books, run.books
    sources = [run.folder / a for a in run.args if not a.startswith("-") and (run.folder / a).is_file()]
    encoding = run.args[run.args.index("--encoding") + 1] if "--encoding" in run.args else None
    texts = {epub: Epub.open(epub) for epub in epubs}
    for book in run.books:
        assert book.stat().st_size > 0
    for epub in texts.values():
        assert structural_problems(epub) == []
    for source in sources:
        text = decode(source.read_bytes(), encoding=encoding).text
        losses = {epub: missing_words(text, book.text()) for epub, book in texts.items()}
        epub = min(losses, key=lambda e: sum(losses[e].values()))  # the book this source became
        assert not losses[epub], f"{source.name}: words dropped: {dict(losses[epub].most_common(10))}"
        if run.case.pdf:
            shown = subprocess.run(["pdftotext", "-enc", "UTF-8", str(epub.with_suffix(".pdf")), "-"],
                                   capture_output=True, text=True, check=True).stdout  # fmt: skip
            lost = letters(text) - letters(shown)
            assert not lost, f"{source.name}: letters missing from the PDF: {dict(lost.most_common(10))}"


@pytest.mark.parametrize("case", _params([c for c in CASES if not c.marks]))
def test_catalogue(case, runs):
    run = runs[case.id]
    (check_error if case.outcome == "error" else check_book)(run)


@pytest.mark.parametrize("case", _params([c for c in CASES if c.marks]))
def test_catalogue_big_inputs(case, tmp_path):
    run = run_case(case, tmp_path / case.id)
    (check_error if case.outcome == "error" else check_book)(run)
    if case.outcome == "error":
        return
    (book,) = run.books
    report = run_epubcheck(book, big=True)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report.stdout, report.stdout[-2000:] + report.stderr[-2000:]


@pytest.mark.slow
def test_every_catalogue_book_passes_epubcheck(runs):
    books = [book for run in runs.values() for book in run.books if book.suffix == ".epub"]
    assert len(books) >= 12
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(books, pool.map(run_epubcheck, books)))
    failed = {
        str(book.relative_to(book.parents[2])): (r.stdout + r.stderr)[-600:]
        for book, r in reports.items()
        if "Messages: 0 fatals / 0 errors / 0 warnings" not in r.stdout
    }
    assert not failed, failed


# ---------------------------------------------------------------- what the cases must show besides


def test_hostile_markup_stays_text(runs):
    (book,) = [b for b in runs["markup-and-entities"].books if b.suffix == ".epub"]
    epub = Epub.open(book)
    for href in epub.spine_hrefs():
        root = epub.xhtml(href)
        assert not root.findall(".//x:script", NS) and not root.findall(".//x:img", NS)
        assert all(not (a.get("href") or "").startswith("javascript:") for a in root.iter(f"{{{NS['x']}}}a"))
        assert b"<!ENTITY" not in epub.read(href) and b"<?xml-stylesheet" not in epub.read(href)
    assert "<script>alert(document.cookie)</script>" in epub.text()
    assert "&boom;" in epub.text() and "]]>" in epub.text()


def test_right_to_left_books_read_right_to_left(runs):
    for case, lang in (("arabic-rtl", "ar"), ("hebrew-rtl", "he")):
        (book,) = [b for b in runs[case].books if b.suffix == ".epub"]
        epub = Epub.open(book)
        assert epub.opf.findtext("opf:metadata/dc:language", namespaces=NS) == lang
        assert epub.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
        assert all(epub.xhtml(href).get("dir") == "rtl" for href in epub.spine_hrefs())


def test_awkward_names_give_safe_book_names(runs):
    names = sorted(p.name for p in runs["awkward-file-names"].books if p.suffix == ".epub")
    assert all(not n.startswith(("-", ".")) and "/" not in n and '"' not in n for n in names), names


def test_a_book_named_like_its_input_gets_a_new_name(runs):
    run = runs["output-equals-input"]
    assert [b.name for b in run.books] == ["the-lantern-2.epub"]


def test_a_symlink_in_the_way_is_replaced_not_followed(runs):
    run = runs["name-taken-by-a-symlink"]
    assert (run.folder / "victim.txt").read_text() == "Do not overwrite me.\n"
    assert not (run.output / "the-lantern.epub").is_symlink()


# ---------------------------------------------------------------- failures of the machine


def _drop_file_permissions() -> list[str] | None:
    """A command prefix under which file permissions bind, as they do for any user but root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run([setpriv, "--bounding-set=-dac_override,-dac_read_search", "true"], capture_output=True)
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"] if probe.returncode == 0 else None


def _cli_without_permissions(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    prefix = _drop_file_permissions()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    return run_cli("build", *args, prefix=tuple(prefix), cwd=cwd, env={"CI": "true"}, timeout=300)


def test_unreadable_file(tmp_path):
    story = tmp_path / "locked.txt"
    story.write_text(STORY, encoding="utf-8")
    story.chmod(0)
    done = _cli_without_permissions(["-o", "out", "locked.txt"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == ["fic2book: error: locked.txt: cannot be read: permission denied"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_output_folder_not_writable(tmp_path):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "shelf").mkdir()
    (tmp_path / "shelf").chmod(0o555)
    done = _cli_without_permissions(["-o", "shelf", "story.txt"], tmp_path)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("fic2book: error: ") and "Permission denied" in line, line
    assert list((tmp_path / "shelf").iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 128 KB file system, mounted for the test where the machine allows it (root in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_full_disk(small_disk, tmp_path):
    """A book larger than the room left: one error line, no partial file, and the disk's old files intact."""
    (small_disk / "earlier.epub").write_bytes(os.urandom(100 * 1024))  # leaves 28 KB: less than any book with a cover
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    done = cli(["-o", str(small_disk), str(story)], tmp_path)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("fic2book: error: ") and "No space left on device" in line, line
    assert sorted(p.name for p in small_disk.iterdir()) == ["earlier.epub"]


def test_file_size_limit_of_the_process(tmp_path):
    """The same failure where mounting is not allowed: the kernel refuses to let a file grow (EFBIG)."""
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = cli(["-o", "out", "story.txt"], tmp_path, preexec_fn=limit)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("fic2book: error: ") and "File too large" in line, line
    assert list((tmp_path / "out").iterdir()) == []


def test_stdout_closed_early(tmp_path):
    """``fic2book build --json … | head -1``: exit 141 without a traceback, finished books whole."""
    for i in range(12):
        (tmp_path / f"{i:02d}.txt").write_text(STORY.replace("The Lantern", f"Lantern {i}"), encoding="utf-8")
    inputs = sorted(p.name for p in tmp_path.glob("*.txt"))
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen([*CLI, "build", "--json", "-j", "1", "-o", "out", *inputs],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)  # fmt: skip
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert b'"input"' in first
    assert proc.returncode == 141, stderr
    assert "Traceback" not in stderr
    for book in (tmp_path / "out").iterdir():
        assert book.suffix == ".epub" and zipfile.ZipFile(book).testzip() is None


# ---------------------------------------------------------------- the catalogue and its document


def test_docs_reliability_lists_every_case():
    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([a-z0-9-]+)`", doc, flags=re.M))
    assert {case.id for case in CASES} <= named, {case.id for case in CASES} - named
    defined = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    for test in re.findall(r"`(test_[a-z0-9_]+)`", doc):
        assert f"def {test}(" in defined, f"docs/reliability.md names {test}, which no test file defines"


# ---------------------------------------------------------------- security


def _calls(tree) -> list[tuple[str, object]]:
    import ast

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.append((ast.unparse(node.func), node))
    return found


def test_no_shell_is_ever_invoked():
    """fic2book starts two helper programs (fc-match, ldconfig) with argument lists, never through a shell."""
    import ast

    starts = []
    for path in sorted((ROOT / "src" / "fic2book").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in _calls(tree):
            assert name not in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "pty.spawn"), (path, name)
            assert not name.startswith(("os.exec", "os.spawn", "os.posix_spawn")), (path, name)
            if name.startswith("subprocess."):
                starts.append(f"{path.name}:{name}")
                shell = [k for k in node.keywords if k.arg == "shell"]
                assert not shell or (isinstance(shell[0].value, ast.Constant) and shell[0].value.value is False), (path, name)
                assert isinstance(node.args[0], (ast.List, ast.Tuple)), f"{path.name}: {name} is not given an argument list"
    assert starts == ["cover.py:subprocess.run", "pdf.py:subprocess.run"]


def test_sidecars_are_read_with_tomllib_only():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "fic2book").rglob("*.py"))
    assert "import tomllib" in source
    for other in ("import toml\n", "import tomli", "import yaml", "eval(", "exec(", "pickle", "marshal"):
        assert other not in source, other


def test_zip_entry_names_are_ours_whatever_the_input_is_called(tmp_path):
    """Titles, file names and chapter names that look like paths never become names inside the EPUB."""
    folder = tmp_path / "..\\..\\evil <x> & 'y'"
    folder.mkdir()
    (folder / "fic2book.toml").write_text('title = "../../../etc/passwd"\nauthor = "/root/.ssh"\n', encoding="utf-8")
    for name in ("..\\01 up.txt", "02 <script>.txt", "03 $(rm -rf ~).txt", "04 ~.txt"):
        (folder / name).write_text(f"Chapter {name}\n\nStory text for {name}.\n", encoding="utf-8")
    (folder / "cover.png").write_bytes(_png())
    done = cli(["-o", "out", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr
    (book,) = (tmp_path / "out").glob("*.epub")
    allowed = re.compile(
        r"mimetype|META-INF/container\.xml|EPUB/(content\.opf|nav\.xhtml|toc\.ncx|cover\.xhtml|title\.xhtml"
        r"|notes\.xhtml|ch\d{3}\.xhtml|css/style\.css|images/cover\.(png|jpg))"
    )
    names = zipfile.ZipFile(book).namelist()
    assert [n for n in names if not allowed.fullmatch(n)] == [], names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder.name, "out"])
