"""The command line: parse options, run the pipeline, turn failures into exit codes.

Exit codes: 0 every input converted; 1 a conversion failed; 2 a usage error
(typer/click's own). A failure prints one line on stderr; ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Optional

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


EncodingOption = Annotated[
    Optional[str], typer.Option("--encoding", help="Read the input in this encoding instead of detecting it.")
]
FixTextOption = Annotated[bool, typer.Option("--fix-text/--no-fix-text", help="Repair mojibake such as donâ€™t.")]
KindOption = Annotated[
    Optional[list[str]],
    typer.Option("--kind", help="Correct the detector: LINES=KIND, e.g. 1-3=note (repeatable).", show_default=False),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show full tracebacks on failure.")]


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

    Exit codes: 0 all inputs converted, 1 a conversion failed, 2 usage error.
    """


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Story files (.txt) to convert.", show_default=False)],
    output_dir: Annotated[Path, typer.Option("-o", "--output-dir", help="Folder for the books (created if missing).")] = Path("."),
    formats: Annotated[
        Optional[list[str]], typer.Option("--format", "-f", help="Output format: epub or pdf; repeat for both.")
    ] = None,
    title: Annotated[Optional[str], typer.Option(help="Book title (default: the Title: header, else the file name).")] = None,
    author: Annotated[Optional[str], typer.Option(help="Author (default: the Author: header, else Unknown).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Language as a BCP 47 tag, e.g. en, en-GB, pt-BR.")] = None,
    style: Annotated[
        Optional[str], typer.Option(help="Theme: classic (default), modern, eink (see fic2book styles), or a .css file.")
    ] = None,
    encoding: EncodingOption = None,
    smart: Annotated[bool, typer.Option("--smart/--no-smart", help="Curly quotes, dashes and ellipses.")] = True,
    fix_text: FixTextOption = True,
    kind: KindOption = None,
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
    debug: DebugOption = False,
) -> None:
    """Convert story files into ebooks named after their titles."""
    from .pipeline import FORMATS, Options, build as build_one

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
        page_size=page_size,
        pdf_variant=pdf_variant.lower() if pdf_variant else None,
    )
    failed = 0
    for path in inputs:
        try:
            written = build_one(path, output_dir, options)
        except FicError as exc:
            if debug:
                raise
            failed += 1
            _say(f"fic2book: error: {exc if exc.path else f'{path}: {exc}'}")
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a bug: still one line unless --debug
            if debug:
                raise
            failed += 1
            _say(f"fic2book: error: {path}: unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
        else:
            for target in written:
                _say(f"{path} → {target}")
    if failed:
        raise typer.Exit(Exit.FAILED)


@app.command()
def inspect(
    input: Annotated[Path, typer.Argument(help="A story file, or a folder of chapter files.", show_default=False)],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    encoding: EncodingOption = None,
    fix_text: FixTextOption = True,
    kind: KindOption = None,
    debug: DebugOption = False,
) -> None:
    """Show how a story is decoded and what every line was read as, and why."""
    import json

    from .pipeline import Options
    from .report import format_table, inspect_source, public
    from .sources import story_files

    options = Options(encoding=encoding, fix_text=fix_text, kinds=tuple(kind or ()))
    try:
        files = story_files(input) if input.is_dir() else [input]
        reports = [inspect_source(path, options) for path in files]
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
