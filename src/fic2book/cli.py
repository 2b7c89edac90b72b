"""The command line: parse options, run the pipeline, turn failures into exit codes.

Exit codes: 0 every input converted; 1 a conversion failed; 2 a usage error
(typer/click's own). A failure prints one line on stderr; ``--debug`` shows
the traceback instead.

The annotations here are evaluated when the module is imported (no ``from
__future__ import annotations``): typer reads every option from them on each run,
and string annotations would cost it ~150 ``eval`` calls, ~15 ms of every command.
"""

import os
import sys
import time
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .errors import FicError

app = typer.Typer(
    name="fic2book",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Exit(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    INTERRUPTED = 130  # 128 + SIGINT
    BROKEN_PIPE = 141  # 128 + SIGPIPE: stdout was closed, e.g. by head
    TERMINATED = 143  # 128 + SIGTERM


EncodingOption = Annotated[
    Optional[str], typer.Option("--encoding", help="Read the input in this encoding instead of detecting it.")
]
FixTextOption = Annotated[bool, typer.Option("--fix-text/--no-fix-text", help="Repair mojibake such as donâ€™t.")]
KindOption = Annotated[
    Optional[list[str]],
    typer.Option("--kind", help="Correct the detector: LINES=KIND, e.g. 1-3=note (repeatable).", show_default=False),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show full tracebacks on failure.")]
MaxSizeOption = Annotated[
    str,
    typer.Option("--max-size", metavar="SIZE", help="Refuse inputs larger than this, e.g. 64M, 200MB, 1G (a folder: its chapters together)."),
]


def _max_size(text: str) -> int:
    from .sources import parse_size

    try:
        return parse_size(text)
    except FicError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-size") from None


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"fic2book {__version__}")
        raise typer.Exit(Exit.OK)


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Turn plain-text stories (fanfiction above all) into valid, styled ebooks.

    Exit codes: 0 all inputs converted, 1 a conversion failed, 2 usage error,
    130 interrupted, 143 terminated. Shell completion: fic2book --install-completion.
    """


BUILD_HELP = """Convert story files into ebooks named after their titles.

INPUTS are story files, folders, and glob patterns (quoted patterns are
expanded here, naturally sorted); --from FILE adds one path per line from
FILE, or from stdin with --from - (blank lines and # comments are skipped).
A folder is one book: its .txt and .md files are the chapters, in reading
order (prologue first, 2 before 10, epilogue and afterword last), with
fic2book.toml for metadata and cover.jpg/.png/.webp for the cover; other
files are skipped and reported. To make a book of each file in a folder,
give the files: 'stories/*.txt'. Metadata: flags > the sidecar
(fic2book.toml, or story.toml next to story.txt) > the text's header >
the file or folder name.
Books are converted in parallel (--jobs) and reported in input order. A
failed input does not stop the others unless --fail-fast is given. Books are
written to a temporary file and renamed, so an interrupted run never leaves
half a book; two inputs that would get the same name get -2, -3 ….

Output: one line per input on stderr (--quiet: errors only), a progress bar
when stderr is a terminal (never when piped or when CI is set), and with
--json one JSON object per input on stdout: input, outputs, title, author,
encoding, chapters, words, warnings, error, seconds, skipped.

Exit codes: 0 every input converted (or skipped), 1 at least one failed,
2 usage error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 141
stdout closed early (e.g. by head).
"""


@app.command(help=BUILD_HELP)
def build(
    inputs: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Story files, folders or glob patterns.", show_default=False, readable=False),
    ] = None,
    from_lists: Annotated[
        Optional[list[Path]],
        typer.Option("--from", metavar="FILE", help="Read more inputs from FILE, one per line; - reads stdin.", show_default=False, readable=False),
    ] = None,
    output_dir: Annotated[Path, typer.Option("-o", "--output-dir", help="Folder for the books (created if missing).", readable=False)] = Path("."),
    formats: Annotated[
        Optional[list[str]], typer.Option("--format", "-f", help="Output format: epub or pdf; repeat for both.")
    ] = None,
    title: Annotated[Optional[str], typer.Option(help="Book title (default: the sidecar's, the Title: header, else the file or folder name).")] = None,
    author: Annotated[Optional[str], typer.Option(help="Author (default: the sidecar's, the Author: header, else Unknown).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Language as a BCP 47 tag, e.g. en, en-GB, pt-BR.")] = None,
    style: Annotated[
        Optional[str], typer.Option(help="Theme: classic (default), modern, eink (see fic2book styles), or a .css file.")
    ] = None,
    encoding: EncodingOption = None,
    smart: Annotated[bool, typer.Option("--smart/--no-smart", help="Curly quotes, dashes and ellipses.")] = True,
    fix_text: FixTextOption = True,
    kind: KindOption = None,
    max_size: MaxSizeOption = "64M",
    series: Annotated[Optional[str], typer.Option("--series", metavar="NAME", help="Series the book belongs to.")] = None,
    series_index: Annotated[
        Optional[float],
        typer.Option("--series-index", metavar="N", min=0, help="The book's place in its series, e.g. 2 or 2.5."),
    ] = None,
    tags: Annotated[
        Optional[list[str]],
        typer.Option("--tag", metavar="TAG", help="A tag (repeatable); replaces the sidecar's and the header's.", show_default=False),
    ] = None,
    cover: Annotated[
        Optional[Path],
        typer.Option("--cover", metavar="PATH", help="Cover image (JPEG, PNG or WebP) instead of the generated one.", show_default=False, readable=False),
    ] = None,
    page_size: Annotated[
        str,
        typer.Option(
            "--page-size",
            help="PDF page size: ereader, a5, a4, letter, trade (6x9 in), or WxH with units, e.g. 5.5inx8.5in.",
        ),
    ] = "a5",
    pdf_variant: Annotated[
        Optional[str], typer.Option("--pdf-variant", help="pdf/ua-1 for a tagged, accessible PDF.")
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", min=1, help="Conversions run in parallel (default: the number of CPUs).", show_default=False),
    ] = None,
    name_template: Annotated[
        Optional[str],
        typer.Option(
            "--name-template",
            metavar="TEMPLATE",
            help="Name books from {title}, {author}, {lang} and {stem} (the input file name), e.g. '{author} - {title}'. "
            "Default: an ASCII slug of the title.",
        ),
    ] = None,
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Skip inputs whose books exist and are newer than the input.")
    ] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first input that fails.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object per input on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    debug: DebugOption = False,
) -> None:
    from .batch import Batch, Terminated, check_template, default_jobs, expand, raise_on_sigterm, read_list
    from .pipeline import FORMATS, Options

    chosen = tuple(dict.fromkeys(f.lower() for f in (formats or ["epub"])))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    from .render.pagesize import PDF_VARIANTS, parse_page_size

    try:
        parse_page_size(page_size)
    except FicError as exc:
        raise typer.BadParameter(str(exc), param_hint="--page-size") from None
    if pdf_variant is not None and pdf_variant.lower() not in PDF_VARIANTS:
        raise typer.BadParameter(f"'{pdf_variant}' is not one of {', '.join(PDF_VARIANTS)}", param_hint="--pdf-variant")
    if name_template is not None:
        try:
            check_template(name_template)
        except FicError as exc:
            raise typer.BadParameter(str(exc), param_hint="--name-template") from None
    limit = _max_size(max_size)
    if not inputs and not from_lists:
        raise typer.BadParameter("give story files, folders or patterns, or --from FILE", param_hint="INPUTS")
    arguments = [str(path) for path in inputs or ()]
    for source in from_lists or ():
        try:
            arguments += read_list(str(source))
        except FicError as exc:
            raise typer.BadParameter(str(exc), param_hint="--from") from None
    options = Options(
        title=title,
        author=author,
        lang=lang,
        style=style,
        formats=chosen,
        smart=smart,
        encoding=encoding,
        fix_text=fix_text,
        kinds=tuple(kind or ()),
        max_size=limit,
        page_size=page_size,
        pdf_variant=pdf_variant.lower() if pdf_variant else None,
        series=series.strip() if series and series.strip() else None,
        series_index=series_index,
        tags=tuple(dict.fromkeys(t.strip() for t in tags or () if t.strip())),
        cover=str(cover) if cover else None,
    )
    items = expand(arguments)
    report = _Report(len(items), quiet=quiet, json_output=json_output, debug=debug)
    raise_on_sigterm()
    failed = 0
    try:
        with Batch(
            output_dir, options, jobs=jobs or default_jobs(), fail_fast=fail_fast, skip_existing=skip_existing,
            name_template=name_template, debug=debug,
        ) as batch:  # fmt: skip
            for result in batch.run(items):
                failed += result.error is not None
                report.result(result)
    except KeyboardInterrupt:
        report.stop("interrupted; finished books are kept")
        raise typer.Exit(Exit.INTERRUPTED) from None
    except Terminated:
        report.stop("terminated; finished books are kept")
        raise typer.Exit(Exit.TERMINATED) from None
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nobody reads stdout any more
        raise typer.Exit(Exit.BROKEN_PIPE) from None
    except FicError as exc:  # the run could not start, e.g. the output folder is a file
        if debug:
            raise
        report.stop(str(exc), error=True)
        raise typer.Exit(Exit.FAILED) from None
    report.finish(failed)
    if failed:
        raise typer.Exit(Exit.FAILED)


class _Report:
    """What a build tells the person (stderr) and the script (stdout with --json) about each input.

    A progress bar appears only when stderr is a terminal, ``CI`` is not set
    and ``TERM`` is not ``dumb``; it is redrawn on each result, so no thread runs.
    """

    def __init__(self, total: int, *, quiet: bool, json_output: bool, debug: bool) -> None:
        self.total = total
        self.quiet = quiet
        self.json = json_output
        self.debug = debug
        self.started = time.monotonic()
        self.counts = {"converted": 0, "skipped": 0, "failed": 0}
        self.progress: Any = None
        if json_output and hasattr(sys.stdout, "reconfigure"):
            # JSON is UTF-8 whatever the locale; a file name that is not UTF-8 comes out as a \udcXX escape.
            sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
        animate = (
            total > 1 and not quiet and sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        )
        if animate:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True, highlight=False), auto_refresh=False, transient=True,
                redirect_stdout=sys.stdout.isatty(), redirect_stderr=False,
            )  # fmt: skip
            self.task = self.progress.add_task("Converting", total=total)
            self.progress.start()

    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
        else:
            print(message, file=sys.stderr, flush=True)

    def result(self, result: Any) -> None:
        if self.json:
            import json  # only for --json: every import counts in a one-story build

            print(json.dumps(result.record(), ensure_ascii=False), flush=True)
        if result.error is not None:
            self.counts["failed"] += 1
            if result.traceback:
                self._say(result.traceback.rstrip())
            self._say(f"fic2book: error: {result.input}: {result.error}")
        elif result.skipped:
            self.counts["skipped"] += 1
            if not self.quiet:
                self._say(f"{result.input}: up to date ({', '.join(result.outputs)})")
        else:
            self.counts["converted"] += 1
            if not self.quiet:
                self._say(f"{result.input} → {', '.join(result.outputs)}")
        if not self.quiet and not result.skipped:
            for warning in result.alerts:
                self._say(f"fic2book: warning: {result.input}: {warning}")
        if self.progress is not None:
            self.progress.update(self.task, advance=1)
            self.progress.refresh()

    def _close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def stop(self, message: str, *, error: bool = False) -> None:
        self._close()
        print(f"fic2book: {'error: ' if error else ''}{message}", file=sys.stderr, flush=True)

    def finish(self, failed: int) -> None:
        self._close()
        if self.total > 1 and not self.quiet:
            parts = [f"{n} {what}" for what, n in self.counts.items() if n or what == "converted"]
            seconds = time.monotonic() - self.started
            print(f"fic2book: {', '.join(parts)} in {seconds:.1f} s", file=sys.stderr, flush=True)
        elif self.total == 0 and not self.quiet:
            print("fic2book: nothing to convert", file=sys.stderr, flush=True)


@app.command()
def inspect(
    input: Annotated[Path, typer.Argument(help="A story file, or a folder of chapter files.", show_default=False, readable=False)],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    encoding: EncodingOption = None,
    fix_text: FixTextOption = True,
    kind: KindOption = None,
    max_size: MaxSizeOption = "64M",
    debug: DebugOption = False,
) -> None:
    """Show how a story is decoded and what every line was read as, and why."""
    import json

    from .pipeline import Options
    from .report import format_table, inspect_input, public

    options = Options(encoding=encoding, fix_text=fix_text, kinds=tuple(kind or ()), max_size=_max_size(max_size))
    try:
        reports = inspect_input(input, options)
    except FicError as exc:
        if debug:
            raise
        _say(f"fic2book: error: {exc if exc.path else f'{input}: {exc}'}")
        raise typer.Exit(Exit.FAILED) from None
    if json_output:
        payload = {"files": [public(r) for r in reports]} if input.is_dir() else public(reports[0])
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print("\n\n".join(format_table(r) for r in reports))


@app.command()
def styles() -> None:
    """List the themes shipped with fic2book, one line each."""
    from .styles import available_styles, describe_style

    for name in available_styles():
        print(f"{name:<10} {describe_style(name)}")


def main() -> None:
    """Console-script entry point."""
    app()
