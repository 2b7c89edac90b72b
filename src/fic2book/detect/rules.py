"""Detection rules: small named functions, tried in one visible order.

Each rule looks at the chunk at position ``i`` (and, for the few that span
several chunks, the ones after it) and returns how many chunks it claims, 0
when it does not match. Its docstring's first line is an example of a story
it fires on (`` / `` stands for a blank line, `` | `` for a line break; the
tests run every example); ``inspect`` reports the rule's name, so a reader
can see why each line was read the way it was.

Rules are general shapes of fanfiction text, never tuned to one story. Where a
rule may fire is part of the rule:

- ``file_head``: before the story's first prose (header fields, bylines…);
- ``head``: there, or at the top of a chapter, before its first prose;
- ``section_head``: any head, or right after a scene break (epigraphs);
- ``tail``: after a chapter's last prose, read backwards (tbc, pleas to review);
- ``any``: everywhere.

Prose is the catch-all and is not a rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .. import lazyre
from ..model import LineKind
from .chunks import CENTRED_INDENT, RULE_LINE, Chunk

Where = Literal["file_head", "head", "section_head", "tail", "any"]


@dataclass
class Context:
    """What the rules may know about the text around a chunk."""

    chunks: Sequence[Chunk]
    kinds: list[LineKind | None]
    title: str | None = None
    in_yaml: bool = False

    def prev_kind(self, i: int) -> LineKind | None:
        return self.kinds[i - 1] if i > 0 else None

    def adjacent(self, i: int) -> bool:
        """Chunk ``i`` follows chunk ``i - 1`` with no blank line between."""
        return i > 0 and self.chunks[i].line == self.chunks[i - 1].last_line + 1


# ---------------------------------------------------------------- vocabulary

HEADER_KEYS: dict[str, str] = {
    # key as written (lower case, without "(s)") -> label shown to readers
    "title": "Title", "story title": "Title", "story": "Title", "fic title": "Title",
    "author": "Author", "authors": "Author", "writer": "Author", "written by": "Author", "pen name": "Author",
    "fandom": "Fandom", "fandoms": "Fandom", "show": "Fandom",
    "rating": "Rating", "rated": "Rating",
    "pairing": "Pairing", "pairings": "Pairing", "ship": "Pairing", "ships": "Pairing",
    "relationship": "Relationships", "relationships": "Relationships",
    "character": "Characters", "characters": "Characters",
    "warning": "Warnings", "warnings": "Warnings", "content warning": "Warnings", "archive warning": "Warnings",
    "archive warnings": "Warnings", "trigger warning": "Warnings", "trigger warnings": "Warnings", "cw": "Warnings",
    "summary": "Summary", "description": "Summary", "blurb": "Summary",
    "disclaimer": "Disclaimer", "disclaimers": "Disclaimer",
    "archiving": "Archiving", "archive": "Archiving",
    "feedback": "Feedback", "comments": "Feedback",
    "spoiler": "Spoilers", "spoilers": "Spoilers",
    "beta": "Beta", "betas": "Beta", "beta reader": "Beta", "beta'd by": "Beta", "betaed by": "Beta",
    "word count": "Word count", "words": "Word count", "wordcount": "Word count", "length": "Word count",
    "series": "Series", "part of": "Series",
    "category": "Category", "categories": "Category",
    "genre": "Genre", "genres": "Genre",
    "status": "Status",
    "dedication": "Dedication", "dedicated to": "Dedication",
    "tags": "Tags", "additional tags": "Tags", "freeform": "Tags", "keywords": "Tags",
    "language": "Language",
    "published": "Published", "updated": "Updated", "completed": "Completed", "posted": "Published",
    "chapters": "Chapters", "timeline": "Timeline", "setting": "Setting", "prompt": "Prompt",
    "challenge": "Prompt", "written for": "Prompt", "requested by": "Prompt", "posted by": "Author",
    # other languages' archives
    "titulo": "Title", "título": "Title", "titre": "Title", "titel": "Title", "titolo": "Title",
    "autor": "Author", "autora": "Author", "auteur": "Author", "autore": "Author", "autrice": "Author",
    "pareja": "Pairing", "parejas": "Pairing", "couple": "Pairing", "pairing(s)": "Pairing", "coppia": "Pairing",
    "clasificación": "Rating", "clasificacion": "Rating", "classement": "Rating", "bewertung": "Rating", "classificazione": "Rating",
    "advertencias": "Warnings", "advertencia": "Warnings", "avertissement": "Warnings", "avertissements": "Warnings",
    "warnungen": "Warnings", "avvertimenti": "Warnings", "avisos": "Warnings",
    "resumen": "Summary", "résumé": "Summary", "resume": "Summary", "zusammenfassung": "Summary", "riassunto": "Summary",
    "sinopsis": "Summary", "resumo": "Summary", "inhalt": "Summary",
    "descargo de responsabilidad": "Disclaimer", "descargo": "Disclaimer", "aviso legal": "Disclaimer",
    "personajes": "Characters", "personnages": "Characters", "personaggi": "Characters", "charaktere": "Characters",
    "género": "Genre", "genero": "Genre", "genre(s)": "Genre", "palabras": "Word count", "mots": "Word count", "wörter": "Word count",
    "idioma": "Language", "langue": "Language", "sprache": "Language", "estado": "Status", "statut": "Status",
    "escrita por": "Author", "escrito por": "Author", "écrit par": "Author", "geschrieben von": "Author",
    "auteure": "Author", "autorin": "Author", "geschichte": "Title", "kapitel": "Chapters", "cast": "Characters",
    "pairings/characters": "Pairing", "wc": "Word count", "capítulos": "Chapters", "capitulos": "Chapters", "sinopse": "Summary", "synopsis": "Summary", "inhaltsangabe": "Summary",
    "kurzbeschreibung": "Summary", "beschreibung": "Summary", "categorias": "Category", "categoría": "Category",
    "categorías": "Category", "catégorie": "Category", "kategorie": "Category", "personagens": "Characters",
    "personaje": "Characters", "figuren": "Characters", "gêneros": "Genre", "gênero": "Genre", "géneros": "Genre",
    "classificação": "Rating", "classificacao": "Rating", "altersfreigabe": "Rating", "rating/warnungen": "Rating",
    "advertências": "Warnings", "warnung": "Warnings", "casal": "Pairing", "shipp": "Pairing", "parejas/personajes": "Pairing",
    "bêta": "Beta", "betaleser": "Beta", "betaleserin": "Beta", "dédicace": "Dedication", "dedicatoria": "Dedication",
    "widmung": "Dedication", "dedicatória": "Dedication", "etiquetas": "Tags", "tags/etiquetas": "Tags",
    "palavras": "Word count", "nombre de mots": "Word count", "wortanzahl": "Word count", "avertissement(s)": "Warnings",
    # Russian archives (ficbook.net and others)
    "название": "Title", "автор": "Author", "авторы": "Author", "фэндом": "Fandom", "фандом": "Fandom",
    "рейтинг": "Rating", "размер": "Word count", "статус": "Status", "метки": "Tags", "жанр": "Genre",
    "жанры": "Genre", "предупреждения": "Warnings", "предупреждение": "Warnings", "описание": "Summary",
    "саммари": "Summary", "посвящение": "Dedication", "публикация на других ресурсах": "Archiving",
    "направленность": "Category", "пэйринг и персонажи": "Pairing", "пейринг": "Pairing", "пэйринг": "Pairing",
    "персонажи": "Characters", "бета": "Beta", "беты": "Beta", "гамма": "Beta", "дисклеймер": "Disclaimer",
    # more English archive fields
    "category/genre": "Genre", "crossover": "Fandom", "universe": "Fandom", "distribution": "Archiving",
    "content notes": "Warnings", "content note": "Warnings", "tw": "Warnings", "recipient": "Dedication", "gift for": "Dedication",
    # e-mail / Usenet headers
    "from": "From", "to": "To", "subject": "Subject", "date": "Date", "newsgroups": "Newsgroups",
    "message-id": "Message-ID", "organization": "Organization", "reply-to": "Reply-To", "sender": "Sender",
    "references": "References", "in-reply-to": "In-Reply-To", "path": "Path", "lines": "Lines",
    "mime-version": "MIME-Version", "content-type": "Content-Type",
    "content-transfer-encoding": "Content-Transfer-Encoding", "x-newsreader": "X-Newsreader",
}

DISPLAY_FIELDS = frozenset(
    {
        "Fandom", "Series", "Rating", "Warnings", "Category", "Genre", "Pairing", "Relationships",
        "Characters", "Tags", "Summary", "Status", "Word count", "Language", "Published", "Updated",
        "Completed", "Timeline", "Setting", "Chapters",
    }
)
"""Fields that describe the story and belong on the title page; the rest
(disclaimer, archiving, feedback, mail headers…) is boilerplate gathered in the Notes."""

HEADER_LINE = lazyre.compile(
    r"^\s*(?P<open>\[)?[*_]*(?:[^\w\s\[\]<>#(\"“'‘—–―-]{1,3}\s*)?(?P<key>[^\W\d_](?:[^\W\d_]|['’ /-]){0,29}?)(?:\(s\))?!{0,3}[*_]*\s*:[*_]*(?:\s+(?P<value>.*?))?\s*$"
)


KEY_MODIFIERS = frozenset({"story", "general", "subtext", "content", "standard", "usual", "additional", "main", "fic", "other", "series", "violence", "sex"})
"""Words that narrow a known key without changing what it is: "Story Rating:", "Content Warnings:"."""


def header_key(line: str) -> tuple[str, str] | None:
    """``(label, value)`` when ``line`` is a known ``Key: value`` header field."""
    match = HEADER_LINE.match(line)
    if not match:
        return None
    key = match.group("key").strip().lower().replace("’", "'")
    label = HEADER_KEYS.get(key) or HEADER_KEYS.get(key.rstrip("s"))
    words = key.split()
    if label is None and 2 <= len(words) <= 3 and (match.group("key").isupper() or words[0] in KEY_MODIFIERS):
        label = HEADER_KEYS.get(words[-1]) or HEADER_KEYS.get(words[-1].rstrip("s"))  # "SUBTEXT DISCLAIMER:"
    value = (match.group("value") or "").strip()
    if value.startswith("|"):
        value = value[1:].strip()  # a Markdown table's cell: "Rating: | Teen And Up Audiences"
    if label is None and key in ("chapter", "part", "kapitel", "capítulo", "capitulo", "chapitre", "capitolo", "глава"):
        # "Chapter: 4/?" counts the chapters; "Chapter: The Rain" would be a heading
        if re.fullmatch(r"\d{1,3}\s*(?:/|of|de|von|из)\s*(?:\d{1,3}|\?+)\]?", value, re.IGNORECASE):
            label = "Chapters"
    if label is None:
        return None
    if match.group("open"):  # "[Rating: K]": the brackets are the field's, not the value's
        if not value.endswith("]"):
            return None
        value = value[:-1].strip()
    return label, value


READER_KEY = lazyre.compile(r"^\s*[(\[]?(?!a/n\b)[a-z]{1,2}/[a-z]{1,2}[)\]]?\s*[=:–—-]\s*\S.{0,40}$", re.IGNORECASE)


def reader_key(chunk: Chunk) -> bool:
    """(y/n) = your name | (e/c) = eye colour"""
    return all(READER_KEY.match(line) for line in chunk.lines)


def is_header_run(run: Sequence[str]) -> bool:
    """A block of ``Key: value`` lines is split so each field is its own chunk."""
    if header_key(run[0]) is not None:
        return True
    if run[0].strip() == "---" and len(run) > 1 and header_key(run[1]) is not None:
        return True
    return sum(1 for line in run if header_key(line)) >= max(2, len(run) // 2)


WORD = lazyre.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _name_like(text: str, max_words: int = 6) -> bool:
    """A person's or work's name: capitalised words, maybe a connector; no sentence."""
    text = text.strip().rstrip(".").strip()
    if not text or len(text) > 60 or re.search(r"[!?;:\"“”]", text):
        return False
    words = re.split(r"[\s,]+", text)
    if len(words) > max_words:
        return False
    connectors = {"of", "the", "de", "van", "von", "la", "le", "and", "&", "da", "di", "del", "du", "y", "from", "by", "in"}
    capitalised = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    return bool(capitalised) and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in connectors for w in words)


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    name: str
    kind: LineKind
    where: Where
    match: Callable[[Context, int], int]

    @property
    def example(self) -> str:
        doc = (self.match.__doc__ or "").lstrip("\n").splitlines()
        return doc[0].rstrip() if doc else ""


def _one(test: Callable[[Chunk], bool]) -> Callable[[Context, int], int]:
    """Lift a one-chunk predicate to the rule signature (keeping its docstring)."""

    def match(ctx: Context, i: int) -> int:
        return 1 if test(ctx.chunks[i]) else 0

    match.__doc__ = test.__doc__
    match.__name__ = test.__name__
    return match


# ---- front matter


def header_field(chunk: Chunk) -> bool:
    """Disclaimer: I own nothing."""
    return len(chunk.lines) == 1 and header_key(chunk.lines[0]) is not None


def header_continuation(ctx: Context, i: int) -> int:
    """Rating: | Teen And Up Audiences"""
    chunk = ctx.chunks[i]
    if ctx.prev_kind(i) != "front_matter" or not ctx.adjacent(i) or len(chunk.lines) != 1:
        return 0
    line = chunk.lines[0]
    above = ctx.chunks[i - 1].lines[-1]
    if re.match(r"^(?:\t| {2,})\S", line) and len(line.strip()) <= 300 and not NOTE_LABEL.match(line):
        # indented values, as archive downloads write them: under a label or another value,
        # not the first paragraph of a story typed in Word under its centred title
        centred = len(above) - len(above.lstrip(" ")) >= CENTRED_INDENT
        if header_key(above) or above.rstrip().endswith(":") or ARCHIVE.search(above) or INDENTED.match(above) and not centred:
            return 1
    if above.rstrip().endswith(":") and (header_key(above) or ARCHIVE.search(above)) and len(line.strip()) <= 200:
        return 1  # "Kudos:" then "203": the value on the line under its label
    if _is_heading_line(line) or NOTE_LABEL.match(line) or pov_heading(chunk) or symbol_line(chunk):
        return 0
    field_above = header_key(above)
    # a long value cut at the file's width runs on: "Disclaimer: … Henry Winkler/John Rich / Productions and Paramount."
    wrapped = field_above is not None and len(above.rstrip()) >= 50 and not above.rstrip().endswith((".", "!", "?", "”", '"'))
    if opens_with_talk(line) and not wrapped and not header_key(line) and not (field_above and not field_above[1]):
        return 0  # "HI GUYS!!! This is my first warriors fanfic so please be nice": the writer, not the header
    if (byline_name(line) or DEDICATION.match(line)) and not header_key(above):
        return 0  # "by E. M. Hartwell", "for Margaret" under a title: the author, the dedication; not more title
    prev = ctx.chunks[i - 1].lines[-1]
    field_ = header_key(prev)
    if field_ is not None and not field_[1]:
        return 1  # "Rating:" with its value on the next line
    if re.match(r"^\s*[A-Z][\w'’ -]{1,24}:\s+\S", line) and not _is_heading_line(line) and not NOTE_LABEL.match(line):
        return 1  # an unfamiliar field in the same header block ("Posted by: x")
    if not prev.rstrip().endswith((".", "!", "?", "”", '"', ":")) and re.match(r"^\s*[a-z0-9(]", line):
        return 1  # a wrapped value: the line above stopped mid-sentence
    if 55 <= len(prev.rstrip()) <= 80 and len(line.rstrip()) <= 80 and not header_key(line):
        return 1  # a value hard-wrapped at the file's width: the line above filled it
    later = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    if later is not None and ctx.adjacent(i + 1) and header_key(later.lines[0]):
        return 1  # between two fields of one block
    return 0


def _keyword_field(line: str) -> bool:
    """``Personagens Shouyou Hinata, Tobio Kageyama``: a known field name, no colon, then its value."""
    words = line.split()
    if len(words) < 2 or len(line) > 160 or line.rstrip().endswith((".", '"', "”")) or ":" in words[0]:
        return False
    if line.strip().rstrip(":").strip().lower() in NOTE_LABELS:
        return False  # "Story Notes:" labels a note
    for n in (3, 2, 1):
        key = " ".join(words[:n]).lower()
        if len(words) > n and key in HEADER_KEYS and HEADER_KEYS[key] not in MAIL_ONLY and words[0][:1].isupper():
            return True
    return False


def keyword_fields(ctx: Context, i: int) -> int:
    """Idioma Português | Categorias Haikyuu!! | Personagens Shouyou Hinata, Tobio Kageyama"""
    end, lines = i, 0
    while end < len(ctx.chunks) and all(_keyword_field(ln) for ln in ctx.chunks[end].lines) and (end == i or ctx.adjacent(end)):
        lines += len(ctx.chunks[end].lines)
        end += 1
    if lines >= 2 or lines == 1 and ctx.prev_kind(i) == "front_matter" and ctx.adjacent(i):
        return end - i
    return 0


def _is_fence(chunk: Chunk) -> bool:
    return chunk.text.strip() in ("---", "...")


def yaml_fence(ctx: Context, i: int) -> int:
    """--- | title: So Close | ---"""
    chunk = ctx.chunks[i]
    if not _is_fence(chunk):
        return 0
    if i == 0 and len(ctx.chunks) > 2 and header_key(ctx.chunks[1].lines[0]):
        ctx.in_yaml = True
        return 1
    if i == 0:
        # "layout: post" first: a block of key: value lines up to a closing fence, one of them ours
        for j in range(1, min(len(ctx.chunks), 40)):
            if _is_fence(ctx.chunks[j]):
                inner = [ln for c in ctx.chunks[1:j] for ln in c.lines]
                if inner and all(re.match(r"^\s*[\w -]{1,30}:|^\s*-\s+\S|^\s+\S", ln) for ln in inner) and any(
                    header_key(ln) for ln in inner
                ):
                    ctx.in_yaml = True
                    return 1
                break
    if ctx.in_yaml:
        ctx.in_yaml = False
        return 1
    return 0


def yaml_field(ctx: Context, i: int) -> int:
    """--- | rating: Teen And Up Audiences | ---"""
    return 1 if ctx.in_yaml and re.match(r"^\s*[\w -]{1,30}:|^\s*-\s+\S", ctx.chunks[i].lines[0]) else 0


GUTENBERG_START = lazyre.compile(r"\*{3}\s*START OF (?:THIS|THE) (?:PROJECT GUTENBERG|.{1,120}\*{3})", re.IGNORECASE)
EBOOK_OPENING = lazyre.compile(r"\b(?:project\s+gutenberg|e-?book\s+of\b)", re.IGNORECASE)


def gutenberg_header(ctx: Context, i: int) -> int:
    """The Project Gutenberg EBook of Pride and Prejudice, by Jane Austen"""
    if not EBOOK_OPENING.search(ctx.chunks[i].text):
        return 0
    for j in range(i, min(len(ctx.chunks), i + 80)):
        if GUTENBERG_START.search(ctx.chunks[j].text):
            after = j + 1
            if after < len(ctx.chunks) and re.match(r"^\s*(?:produced|transcribed|prepared)\s+(?:by|from)\b", ctx.chunks[after].text, re.I):
                after += 1
            return after - i
    return 1


ARCHIVE = lazyre.compile(
    r"posted\s+originally\s+on\s+the\s+archive\s+of\s+our\s+own|archiveofourown\.org|fanfiction\.net/s/|fictionpress\.com"
    r"|^\s*(?:story\s+link|link|source|url|downloaded\s+from|original\s+url)\s*:|wattpad\.com|livejournal\.com|dreamwidth\.org"
    r"|^\s*(?:stats|chapters|published|updated|words|kudos|hits|bookmarks|comments)\s*:"
    # site furniture: breadcrumbs, link bars, page banners, digests, journal cuts, counters
    r"|^[^>\n]{1,60}(?:\s(?:>|›|»|::)\s[^>\n]{1,60}){2,}$|(?:\[[^\]\n]{1,30}\]\s*){3,}|\bbest\s+viewed\s+(?:with|in|at)\b"
    r"|\bguestbook\b|\bvisitor\s+(?:number|#)|^\s*(?:topics\s+in\s+this\s+digest|there\s+(?:is|are)\s+\d+\s+messages?\s+in\s+this\s+issue)"
    r"|^\s*message:\s*\d+\s*$|^\s*\(\s*(?:read\s+more|[^()\n]{0,40}\bcut\b[^()\n]{0,20})\s*\.{0,3}\s*\)\s*$"
    r"|^\s*\[?current\s+(?:mood|music|location)\s*:|^\s*follow\s*/\s*fav\b|^\s*posted\s+by\s+u/\w+"
    r"|\b\d[\d.,]*\s*k?\s+(?:reads|votes|views|subscribers|favou?rites|parts|hearts|lecturas|votos|partes|leituras|lectures|letture)\b|^\s*(?:visualiza[çc][õo]es|favoritos|coment[áa]rios)\s+\d"
    r"|^\s*\[(?:WP|SP|EU|IP|TT|CW|RF|PM|MP|OT|PI)\]\s|^\s*writing\s+prompt\s*$|^\s*\d[\d.,]*k\s*$|^\s*[\d.,]+k?\s+(?:comments?|points?|upvotes?|replies)\s*$"
    r"|^\s*[·•]\s*$|^\s*\d{1,2}\s*[ymwdh]\s*$"
    r"|\bfan\s*fiction\s*(?:›|>|::)|^\s*\S+\s+\(\S+\)\s+wrote,?\s*$|\bwrote\s+in\s+\[community\s+profile\]"
    # forums: threadmarks, post numbers, "Postby name »", subject lines tagged [FIC]; a journal's cut link "( Title )"
    r"|^\s*threadmarks?\b|^\s*add\s+bookmark\s*$|^\s*#\d{1,6}\s*$|^\s*post(?:ed)?\s*by\s+\S+\s*[»›]|^\s*(?:re:\s*)?\[(?:fic|fanfic|ficlet|drabble|story)\]"
    r"|^\s*\(\s[^()\n]{1,60}\s\)\s*$|^\s*(?:[«‹<←]\s*)?(?:prev|previous|next)\s*[»›>→]\s*$"
    # where the story was first printed: "first appeared in the fanzine…", "reprinted here by kind permission"
    r"|\b(?:first|originally)\s+(?:appeared|published|printed)\s+in\b|\breprinted\s+(?:here\s+)?(?:with|by)\b",
    re.IGNORECASE,
)


QUOTED_POST = lazyre.compile(r"^\s*(?:>|in\s+article\s+<|on\s+.{3,60}\s+wrote:|.{1,60}\s+(?:wrote|writes|said|asked):\s*$)", re.IGNORECASE)


def quoted_note(chunk: Chunk) -> bool:
    """> **Author's note:** set during season one, before everything goes wrong."""
    if not all(QUOTE_MARK.match(line) for line in chunk.lines):
        return False
    text = " ".join(unquote(line).strip() for line in chunk.lines).strip()
    plain = re.sub(r"[*_]{1,3}", "", text)  # Markdown emphasis round the label
    return bool(NOTE_LABEL.match(plain)) or bool(re.match(r"\s*content\s+(?:notes?|warnings?)\s*:", plain, re.I)) or (
        len(plain) <= 600 and writer_talk(plain)
    )


def quoted_post(ctx: Context, i: int) -> int:
    """In article <x@news.example.net>, someone@example.net wrote: | >Is there a part two?"""
    chunk = ctx.chunks[i]
    # "Anonymous asked:" and the ask under it, in one paragraph
    if re.search(r"\basked:\s*$", chunk.lines[0]) and len(chunk.lines) > 1 and len(chunk.text) <= 800:
        return 1
    # "anonymous asked:" (under a blog name), then the ask itself
    if len(chunk.lines) <= 3 and QUOTED_POST.match(chunk.lines[-1]) and re.search(r"(?:asked|wrote):\s*$", chunk.lines[-1]):
        return 2 if i + 1 < len(ctx.chunks) and len(ctx.chunks[i + 1].text) <= 600 else 1
    if all(QUOTED_POST.match(line) for line in chunk.lines):
        return 0 if epigraph(ctx, i) else 1
    return 0


def archive_header(chunk: Chunk) -> bool:
    """Posted originally on the Archive of Our Own at http://archiveofourown.org/works/1."""
    if len(chunk.text) > 160 and writer_talk(chunk.text):
        return False  # "HEY GUYS!!! omg 12k reads?!?! thank you SO much": the author, who mentions the site
    return any(ARCHIVE.search(line) or link_bar(line) for line in chunk.lines)


BYLINE = lazyre.compile(
    r"^\s*[*_]{0,3}\s*(?:(?:[^\W\d_][^|]{0,70}?\s[-–—~|]\s*)?by|written\s+by|(?:an?\s+)?(?:[\w'’:&/.-]+\s+){0,5}(?:story|fic|fanfic|fanfiction|one-?shot|drabble|ficlet)\s+by"
    r"|por|par|von|di|de|escrit[oa]\s+por|écrit\s+par)[:\s]+(?P<name>.+?)\s*$",
    re.IGNORECASE,
)


def byline_name(line: str) -> str | None:
    """The author named by a byline such as ``by jane_doe``, else None."""
    match = BYLINE.match(line)
    if not match:
        return None
    name = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", match.group("name"))  # Markdown: "by [name](url)"
    name = re.sub(r"\s*[<(\[][^>)\]]*[>)\]]\s*", " ", name).strip().rstrip("*_").strip()
    parts = [p for p in re.split(r"\s*(?:&|,|\band\b)\s*", name) if p]
    if parts and all(re.fullmatch(r"[\w.@-]{2,40}", p) or _name_like(p, 5) for p in parts):
        return name
    return None


def byline(chunk: Chunk) -> bool:
    """by jane_doe"""
    lines = chunk.lines
    return len(lines) <= 8 and any(byline_name(line) for line in lines[:3]) and all(len(ln.strip()) <= 90 for ln in lines)


def title_line(ctx: Context, i: int) -> int:
    """So Close / by jane_doe / It rained all day."""
    chunk = ctx.chunks[i]
    before = ctx.kinds[:i]
    nxt = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    if nxt is None or any(k not in (None, "front_matter", "note") for k in before):
        return 0
    lines = [line.strip() for line in chunk.lines]
    if len(lines) == 2 and before and before[-1] == "front_matter":
        title, handle = lines
        if opening_title(title) and re.fullmatch(r"[\w.-]{2,40}", handle) and not CHAPTER_PREFIX.match(title):
            return 1  # AO3 in a browser, under the stats: "Ember and Ash / ksenia_v"
    if len(lines) != 1 or len(lines[0]) > 80 or lines[0].endswith((".", ",", ";")) or byline_name(lines[0]) or writer_talk(lines[0]):
        return 0
    if "note" in before:
        # under the head's notes and over the first paragraph: "Cardigan Weather"
        story_next = _story_starts(nxt) and not ctx.adjacent(i) and len(lines[0].split()) >= 2
        return int(story_next and opening_title(lines[0]) and not epigraph(ctx, i) and not credit_first(ctx, i))
    if byline(nxt) or archive_header(nxt) or header_key(nxt.lines[0]):
        return 1
    after = ctx.chunks[i + 2] if i + 2 < len(ctx.chunks) else None
    if after is not None and re.fullmatch(r"\s*[\w.-]{2,40}\s*", nxt.text) and (
        header_key(after.lines[0])
        or LABEL_LINE.match(after.lines[0]) and after.lines[0].rstrip().endswith(":")
        or before and before[-1] == "front_matter" and opening_title(lines[0]) and CHAPTER_PREFIX.match(after.lines[0])
    ):
        return 2  # AO3 in a browser: "Tea for Two / crimson_tardis / Summary:", or under the stats "… / Chapter 3"
    named = centred_block(chunk) or bare_label(ctx, i)  # those rules' to name
    if i == 0 and not named and opening_title(lines[0]) and not epigraph(ctx, i) and not credit_first(ctx, i):
        return 1  # the file's first line, alone and unpunctuated, names the story
    return 0


def _story_starts(chunk: Chunk) -> bool:
    """A paragraph long enough to be the story's first."""
    return len(chunk.text) >= 100 or len(chunk.lines) >= 3


META_SIGNAL = lazyre.compile(
    r"\brated\s+[A-Z0-9+-]{1,5}\b|\b\d[\d,.]*\s*k?\s+words\b|(?<![\w.])@[\w.]{2,}|\s\|\|?\s|(?:^|\s)#[^\W\d]\S*"
    r"|~\s*\d[\d.,]*\s*k\b|\bdraft\s+\d|\bspoilers?\b|\b(?:one[- ]?shots?|drabbles?|ficlets?|fanfic(?:tion)?|x\s+reader|reader[- ]insert)\b"
    r"|\b(?:started|posted|written|updated|finished)\s*:|\b(?:translat(?:ed|ion)|tradu[çc][ãa]o|traducci[óo]n|traduction|übersetzung|перевод)\b",
    re.IGNORECASE,
)
"""What marks a line as a story's particulars rather than its prose: a rating, a word count, a handle, tags."""


def head_block(ctx: Context, i: int) -> int:
    """What the Hands Remember | kanej week 2017 — day 3: hands | rated T | ~1,300 words / It rained all day."""
    if i > 8 or any(k not in (None, "front_matter") for k in ctx.kinds[:i]) or not all(ctx.adjacent(k) for k in range(1, i + 1)):
        return 0  # only the file's first lines, up to the first blank line or heading
    end = 1
    while end < len(ctx.chunks) and end <= 8 and ctx.adjacent(end) and not _is_heading_line(ctx.chunks[end].lines[0]):
        if writer_talk(ctx.chunks[end].text) or INDENTED.match(ctx.chunks[end].lines[0]) and len(ctx.chunks[end].text) > 100:
            break  # the writer's hello under the particulars is a note; an indented paragraph begins the story
        end += 1
    if i >= end:
        return 0
    lines = [line.strip() for chunk in ctx.chunks[:end] for line in chunk.lines]
    if len(lines) > 8 or end >= len(ctx.chunks) or any(len(line) > 250 for line in lines):
        return 0
    if not (opening_title(lines[0]) or " | " in lines[0]):
        return 0
    signal = any(META_SIGNAL.search(line) or header_key(line) or byline_name(line) or DEDICATION.match(line) for line in lines[1:]) or (
        META_SIGNAL.search(lines[0]) or header_key(lines[0])
    )
    return 1 if signal and not epigraph(ctx, i) else 0


def chapter_particulars(ctx: Context, i: int) -> int:
    """Chapter 1 / Requested by @ghoulqueen_77 | Word count: 1,318 | ⚠ warning: mentions of blood ⚠ / It rained."""
    if ctx.prev_kind(i) != "heading":
        return 0
    end = i + 1  # the block under the heading, one chunk or a header run split line by line
    while end < len(ctx.chunks) and ctx.adjacent(end) and end - i < 6:
        end += 1
    lines = [line.strip() for chunk in ctx.chunks[i:end] for line in chunk.lines]
    if not 2 <= len(lines) <= 6 or any(len(line) > 200 for line in lines):
        return 0
    fields = sum(1 for line in lines if header_key(line))
    marked = sum(1 for line in lines if header_key(line) or META_SIGNAL.search(line) or byline_name(line))
    return end - i if fields >= 1 and 3 * marked >= 2 * len(lines) else 0


OPENING_NOT_TITLE = lazyre.compile(r"^[\"“'‘«—–―-]|[.,;:!?…\"”’»-]$|\b(?:later|ago|before|after|earlier)$", re.IGNORECASE)


def opening_title(text: str) -> bool:
    """The first line of a file that reads as a title rather than as the story's first sentence.

    Examples: "Lanterns For Two || Xiao x Reader", "the diamond dogs group chat", "雪の日に傘はいらない";
    not "London, 1888", "Three weeks later", "\\"Hey.\\"" or "No."
    """
    text = text.strip()
    return (
        2 <= len(text) <= 70
        and len(text.split()) <= 16
        and any(ch.isalpha() for ch in text)
        and not OPENING_NOT_TITLE.search(text)
        and not DATE_WORDS.search(text)
        and not LIST_ITEM_START.match(text)
    )


LIST_ITEM_START = lazyre.compile(r"^\s*(?:\d{1,2}[.)]|[*•])\s")


CONTENTS = lazyre.compile(r"^\s*[*_#]*\s*(?:table\s+of\s+)?contents:?\s*[*_]*\s*$", re.IGNORECASE)


def table_of_contents(ctx: Context, i: int) -> int:
    """Table of Contents / Chapter 1: Rain | Chapter 2: Snow / Chapter 1: Rain / It rained."""
    first = ctx.chunks[i]
    if not CONTENTS.match(first.lines[0]):
        return 0
    if len(first.lines) > 1:
        # "Table of Contents" with its entries on the lines right under it
        return 1 if all(_toc_entry(line) for line in first.lines[1:]) else 0
    j = i + 1
    entries = 0
    while j < len(ctx.chunks):
        chunk = ctx.chunks[j]
        lines = chunk.lines
        if entries == 0 and RULE_LINE.match(chunk.text):
            j += 1  # "TABLE OF CONTENTS" boxed in rules
            continue
        if all(_toc_entry(line) for line in lines):
            entries += len(lines)
            j += 1
            # the entries end where the first heading repeats one of them
            if j < len(ctx.chunks) and _is_heading_line(ctx.chunks[j].lines[0]) and ctx.chunks[j].line > chunk.last_line + 1:
                key = _entry_key(ctx.chunks[j].lines[0])
                if any(key == _entry_key(ln) for c in ctx.chunks[i + 1 : j] for ln in c.lines):
                    break
            continue
        break
    return j - i if entries else 0


def _entry_key(line: str) -> str:
    """What identifies a contents entry or heading: its number, else its words."""
    text = re.sub(r"[\s.·…_-]+\d{1,4}\s*$", "", line.strip()).lower()
    text = re.sub(r"^(?:chapter|part|book|ch\.?)\s+", "", text)
    number = re.match(r"^(\d{1,4}|[ivxlcdm]{1,8})\b", text)
    return number.group(1) if number else text


def _toc_entry(line: str) -> bool:
    line = re.sub(r"[\s.·…_-]+\d{1,4}\s*$", "", line.strip())  # dotted leaders and page numbers
    link = re.fullmatch(r"(?:[-*+]\s+)?\[([^\]]{1,80})\]\(#[^)\s]*\)", line)
    if link:
        return True  # a Markdown list of links to the chapters: "- [Prologue](#prologue)"
    return bool(line) and len(line) <= 90 and (
        _is_heading_line(line)
        or bool(re.match(r"^(?:\d{1,3}|[IVXLC]{1,6})[.):]?\s+\S", line))
        or bool(re.fullmatch(r"(?:CHAPTER|PAGE|PART|CONTENTS|\s)+", line))
        or bool(CHAPTER_PREFIX.match(line))
    )


def centred_block(chunk: Chunk) -> bool:
    """                    THE LANTERN-BEARER / It rained all day."""
    if len(chunk.lines) > 1 and DASH_LED.match(chunk.lines[-1]) and attribution(chunk.lines[-1], closing_a_quote=True):
        return False  # centred verse over "-- Shakespeare": an epigraph
    return all(len(ln) - len(ln.lstrip(" ")) >= 10 and len(ln.strip()) <= 70 for ln in chunk.lines)


LABEL_LINE = lazyre.compile(r"^\s*[*_#=~-]*\s*(?P<label>[^\W\d_](?:[^\W\d_]|['’ /.]){1,28}?)\s*:?\s*[*_#=~-]*\s*$")
NOTE_LABELS = frozenset({
    "notes", "note", "author's note", "author's notes", "authors note", "authors notes", "a/n", "an", "end notes",
    "chapter notes", "chapter end notes", "work notes", "story notes", "author notes", "review replies", "replies to reviews", "reviews", "replies",
    "review responses", "responses to reviews", "review answers", "reviewer replies", "shout-outs", "shoutouts",
    # other languages: Portuguese, Spanish, French, German, Italian, Russian
    "notas do autor", "notas da autora", "nota do autor", "nota da autora", "notas iniciais", "notas finais",
    "nota de la autora", "nota del autor", "notas de la autora", "notas del autor", "notas", "nota", "n/a",
    "note de l'auteur", "note de l'auteure", "notes de l'auteur", "notes de l'auteure", "mot de l'auteur",
    "anmerkung", "anmerkungen", "vorwort", "nachwort", "note dell'autrice", "note dell'autore", "nota dell'autrice",
    "примечание", "примечания", "примечание автора", "примечания автора", "от автора", "комментарий автора",
    "примечание к части", "примечания к части", "примечание к главе", "примечания к главе",
})


INDENTED = lazyre.compile(r"^(?:\t| {2,})\S")


def bare_label(ctx: Context, i: int) -> int:
    """Summary / John finds the violin in the skip outside 221B."""
    match = LABEL_LINE.match(ctx.chunks[i].text)
    if not match or len(ctx.chunks[i].lines) != 1:
        return 0
    label = match.group("label").strip().lower().replace("’", "'")
    if label not in HEADER_KEYS and label not in NOTE_LABELS:
        return 0
    # the label owns what follows, up to the next label or heading
    end = i + 1
    indented = i + 1 < len(ctx.chunks) and bool(INDENTED.match(ctx.chunks[i + 1].lines[0]))
    title = (ctx.title or "").strip().casefold()
    bounded = False  # the label's section ends at a heading or another label, not just anywhere
    while end < len(ctx.chunks) and end - i <= 12:
        text = ctx.chunks[end].text
        if _is_heading_line(text) and not _sentence_like(text) or LABEL_LINE.match(text) and header_key(text + ":"):
            bounded = True
            break
        if symbol_line(ctx.chunks[end]) or licence_block(ctx.chunks[end]) or archive_chrome(ctx.chunks[end]) or disclaimer_field(ctx.chunks[end]):
            break  # a break, a disclaimer, or the site's own words ("Please drop by the archive and comment…")
        if indented and not INDENTED.match(ctx.chunks[end].lines[0]) or title and text.strip().casefold() == title:
            break  # an archive indents what a label holds; the title again opens the story
        label_match = LABEL_LINE.match(text)
        if label_match and label_match.group("label").strip().lower().replace("’", "'") in NOTE_LABELS:
            bounded = True  # "Notes:", "### Notes": the next label's own section
            break
        if end > i + 1 and (epigraph(ctx, end) >= 2 or len(ctx.chunks[end].lines) >= 3 and epigraph(ctx, end)):
            break  # the note ends where the story's epigraph begins
        end += 1
    # past six paragraphs only a compact block (no blank lines, as AO3 pasted from a browser) is the label's
    compact = all(ctx.chunks[k].line == ctx.chunks[k - 1].last_line + 1 for k in range(i + 1, min(end, len(ctx.chunks))))
    if end >= len(ctx.chunks) or end - i > (12 if bounded and compact else 6):
        end = min(i + 2, len(ctx.chunks))
    return end - i


def spaced_label(ctx: Context, i: int) -> int:
    """Summary: / Mrs Hudson is clearing out the flat."""
    if i + 1 >= len(ctx.chunks) or ctx.chunks[i + 1].line == ctx.chunks[i].last_line + 1:
        return 0
    found = header_key(ctx.chunks[i].text)
    if not found or found[1]:
        return 0
    return bare_label(ctx, i)


def label_note(ctx: Context, i: int) -> int:
    """Notes / Written for the 2015 exchange. Thank you to my mods!"""
    match = LABEL_LINE.match(ctx.chunks[i].text)
    if not match or match.group("label").strip().lower().replace("’", "'") not in NOTE_LABELS:
        return 0
    return bare_label(ctx, i)


def labelled_block(chunk: Chunk) -> bool:
    """Notas do Autor | Oiii gente!! Primeira fic que eu posto aqui."""
    if len(chunk.lines) < 2:
        return False
    match = LABEL_LINE.match(chunk.lines[0])
    return bool(match and match.group("label").strip().lower().replace("’", "'") in NOTE_LABELS)


REVIEW_REPLY = lazyre.compile(r"^\s*(?:@?[\w.-]{2,30}|guest|anon(?:ymous)?)\s*(?:\([^)]{0,20}\))?\s*:\s+\S", re.IGNORECASE)


def note_continuation(ctx: Context, i: int) -> int:
    """A/N: Some housekeeping first. / Second, this is unbeta'd. / Enjoy! / Fred was alive."""
    if ctx.prev_kind(i) != "note":
        return 0
    # "Notes: This first went out to the list in 1999 and a few people asked / me to put it …": in a
    # header block split line by line, the lines run on under the note until a blank line or a field
    run = 0
    while i + run < len(ctx.chunks) and run < 8 and ctx.adjacent(i + run) and len(ctx.chunks[i + run].lines) == 1:
        line = ctx.chunks[i + run].lines[0]
        chunk = ctx.chunks[i + run]
        if header_key(line) or _is_heading_line(line) or symbol_line(chunk) or licence_block(chunk) or archive_chrome(chunk) or len(line) > 100:
            break
        run += 1
    if run and (i + run >= len(ctx.chunks) or not ctx.adjacent(i + run)) and ctx.chunks[i - 1].lines[-1].rstrip()[-1:] not in ".!?":
        return run
    last = 0
    quiet = 0
    for j in range(i, min(len(ctx.chunks), i + 6)):
        chunk = ctx.chunks[j]
        if len(chunk.text) > 500 or _is_heading_line(chunk.text) or symbol_line(chunk) or decorated_break(chunk):
            break
        if licence_block(chunk) or archive_chrome(chunk):
            break  # the site's words, not the author's
        if header_key(chunk.lines[0]):
            break  # "Disclaimer: I don't own Leverage": the header resumes under the note
        text = chunk.text.strip()
        talk = writer_talk(text) or (NOTE_JARGON.search(text) and not text.startswith(('"', "“")))
        if not talk and epigraph(ctx, j):
            break  # the story's epigraph begins under the note
        if talk or REVIEW_REPLY.match(text) and not _chat_line(ctx, j):
            last, quiet = j - i + 1, 0
        else:
            quiet += 1
            if quiet > 1:
                break
    return last


DEDICATION = lazyre.compile(
    r"^\s*(?:for|to|dedicated\s+to|this\s+one['’]?s\s+for|written\s+for|dedicad[oa]\s+a|dédiée?\s+à|gewidmet|dedicat[oa]\s+a)\s+\S.{0,120}$",
    re.IGNORECASE,
)


def dedication_line(ctx: Context, i: int) -> int:
    """For Amanda, who stayed up."""
    chunk = ctx.chunks[i]
    if len(chunk.lines) != 1 or not DEDICATION.match(chunk.text) or len(chunk.text.split()) > 20:
        return 0
    return 1 if ctx.prev_kind(i) == "front_matter" or i == 0 else 0


PAIRING = lazyre.compile(r"[^\W\d_][\w.'’-]*\s+[x×]\s+(?:[^\W\d_][\w.'’-]*|\(?y/n\)?)", re.IGNORECASE)


def pairing_title(ctx: Context, i: int) -> int:
    """One Shots || La Casa de Papel / Tokio x Río — La isla / El mar hacía un ruido que Tokio no conocía."""
    chunk = ctx.chunks[i]
    before = ctx.kinds[:i]
    if not before or any(k != "front_matter" for k in before) or len(chunk.lines) != 1 or i + 1 >= len(ctx.chunks):
        return 0  # a one-shot's title under its book's: the book's particulars above, the story below
    return int(opening_title(chunk.text) and bool(PAIRING.search(chunk.text)))


CHAPTER_DEDICATION = lazyre.compile(r"^\s*dedicated\s+to\s+\S.{0,80}$", re.IGNORECASE)


def chapter_dedication(ctx: Context, i: int) -> int:
    """Chapter 1 - The Bakery / Dedicated to niallsprincess_"""
    chunk = ctx.chunks[i]
    return int(len(chunk.lines) == 1 and ctx.prev_kind(i) == "heading" and bool(CHAPTER_DEDICATION.match(chunk.text)))


MEDIA_POINTER = lazyre.compile(
    r"^\s*[(\[]?[^()\[\]]{0,60}\b(?:on\s+the\s+(?:side|right|top)|(?:pic|picture|photo|gif|video|song)\s+(?:above|on\s+top))"
    r"[^()\[\]]{0,20}(?:-*>|→|⟶|👉|👆|⬆|↑)?\s*[)\]]?\s*$",
    re.IGNORECASE,
)


def media_pointer(chunk: Chunk) -> bool:
    """(picture of Ava on the side ---->)"""
    return len(chunk.lines) == 1 and bool(MEDIA_POINTER.match(chunk.text))


DISCLAIMER_TEXT = lazyre.compile(
    r"\b(?:are|is)\s+(?:the\s+)?(?:property|copyright|trademarks?)\s+of|not[- ]for[- ]profit|no\s+(?:money|profit)\s+is\s+(?:being\s+)?made"
    r"|(?:please\s+)?don['’]?t\s+sue|no\s+infringement|(?:i|we)\s+(?:don['’]?t|do\s+not)\s+own|(?:all\s+)?characters\s+belong\s+to"
    r"|\b(?:are|is)\s+(?:©|\(c\))|^[^.!?]{2,60}\s©\s*[A-Z]|(?:not|n['’]t)\s+making\s+(?:any\s+)?money"
    r"|no\s+money\s+(?:changes\s+hands|is\s+made)|(?:standard\s+)?disclaimers?\s+apply|\b(?:is|are)\s*n['’]?o?t\s+mine\b"
    r"|(?:i|we)\s+own\s+nothing|(?:i|we)\s+make\s+no\s+money|(?:they|characters|all\s+of\s+them|everything|it\s+all)\s+belongs?\s+to\s+(?:[A-Z]|\d{4})"
    r"|^\s*rated\s+(?:g|pg(?:-?13)?|r|nc-?17|t|m|k\+?|ma|e|teen|mature|explicit)\b",
    re.IGNORECASE,
)


def disclaimer_text(ctx: Context, i: int) -> int:
    """Title: Cold Water / Ranma 1/2 and all characters are the property of Rumiko Takahashi. Please don't sue."""
    chunk = ctx.chunks[i]
    before = ctx.prev_kind(i)
    if before == "scene_break" and i >= 2 and RULE_LINE.match(ctx.chunks[i - 1].text):
        before = ctx.prev_kind(i - 1)  # a header boxed in rules: "=====" between its parts
    if before != "front_matter" or len(chunk.text) > 600 or not DISCLAIMER_TEXT.search(chunk.text):
        return 0
    return 1


MAIL_ONLY = frozenset({"From", "To", "Subject", "Date", "Reply-To", "Sender", "References", "In-Reply-To"})


def header_preface(ctx: Context, i: int) -> int:
    """wolfsbane_writes | November 3rd, 2007 / Title: Salt Lines"""
    chunk = ctx.chunks[i]
    if i != 0 or i + 1 >= len(ctx.chunks) or len(chunk.lines) > 6 or any(len(ln.strip()) > 70 for ln in chunk.lines):
        return 0
    if chunk.text.rstrip().endswith((".", "!", "?", '"', "”")) or _is_heading_line(chunk.text):
        return 0
    nxt = ctx.chunks[i + 1]
    found = header_key(nxt.lines[0])
    if found:
        return 1 if found[0] not in MAIL_ONLY else 0
    return 1 if QUOTED_POST.match(nxt.lines[0]) or byline(nxt) or archive_header(nxt) else 0


def header_sandwich(ctx: Context, i: int) -> int:
    """The Girl Who Waited | By: PondLife93 / Amy waits for the Doctor. Again. / Rated: K+ - English"""
    if ctx.prev_kind(i) != "front_matter" or i + 1 >= len(ctx.chunks) or len(ctx.chunks[i].text) > 800:
        return 0
    nxt = ctx.chunks[i + 1]
    if not (header_key(nxt.lines[0]) or archive_header(nxt) or NOTE_LABEL.match(nxt.lines[0])):
        return 0
    text = ctx.chunks[i].text
    if opens_with_talk(text):
        return 0  # "hellooo my lovelies ♡ this is my first x reader on here": the writer between the fields
    return 0 if epigraph(ctx, i) else 1


# ---- notes

NOTE_LABEL = lazyre.compile(
    r"""^[\s(\[{*~_#-]*
        (?:a\s*/\s*n(?:\s*\d{1,2})?|a\.\s*n\.?|an|n\s*/\s*a|author['’]?s['’]?\s+notes?|(?:author['’]?s['’]?\s+)?afterword|authors?\s+notes?|notes?
          |side\s*notes?|final\s+notes?|end\s+notes?|ending\s+notes?|translator['’]?s\s+notes?|transcriber['’]?s\s+notes?|t/n
          |notas?\s+d[oae]l?\s+autou?ra?|notas?\s+(?:iniciais|finais|finales)|n\.\s*d\.\s*a\.?|n\.\s*d\.\s*l\.\s*a\.?
          |notes?\s+de\s+l['’]auteure?|anmerkung(?:en)?(?:\s+der\s+autorin|\s+des\s+autors)?|vorwort|nachwort
          |примечани[ея](?:\s+автора|\s+к\s+(?:части|главе))?|от\s+автора
          |notas?\s+de\s+la\s+autora|notas?\s+del\s+autor|opmerking(?:\s+van\s+de\s+(?:schrijver|auteur|schrijfster))?|noot\s+van\s+de\s+(?:schrijver|auteur)
          |od\s+autor(?:ki|a)|notka(?:\s+autor(?:ki|a))?|nota\s+dell['’]autric?e|n\.\s*d\.\s*a\.|författarens\s+(?:anmärkning|kommentar)|yazar(?:ın)?\s+notu|[\w.-]{2,20}['’]s?\s+(?:note|notes|n/a)|あとがき|後書き|作者より)
        \s*(?::|\.(?=\s)|-|–|—|\)|\](?=\s))""",
    re.IGNORECASE | re.VERBOSE,
)


BARE_NOTE_LABEL = lazyre.compile(
    r"^[\s#*_~=-]*(?:end\s+notes|chapter\s+end\s+notes|author['’]?s\s+notes?|authors?\s+notes?|notes"
    r"|\(?see\s+the\s+end\s+of\s+the\s+(?:chapter|work)\s+for\s+(?:more\s+)?notes\.?\)?)[\s*_~=-]*$", re.IGNORECASE
)


def afterword_label(ctx: Context, i: int) -> int:
    """Afterword | End Notes | Thank you for reading!"""
    chunk = ctx.chunks[i]
    if len(chunk.lines) != 1 or not re.fullmatch(r"[\s#*_~=-]*afterword[\s*_~=-]*", chunk.lines[0], re.IGNORECASE):
        return 0
    nxt = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    # AO3 heads its end notes "Afterword / End Notes"; an afterword with text of its own is a chapter
    return 1 if nxt is not None and (note_label(nxt) or BARE_NOTE_LABEL.match(nxt.lines[0])) else 0


def note_label(chunk: Chunk) -> bool:
    """A/N: Just something I thought needed to be explored. | Afterword"""
    return bool(NOTE_LABEL.match(chunk.lines[0])) or len(chunk.lines) == 1 and bool(BARE_NOTE_LABEL.match(chunk.lines[0]))


STRONG_TALK = lazyre.compile(
    r"""\b(?:this\s+(?:\w+\s+)?(?:story|fic|fanfic|ficlet|one-?shot|oneshot|chapter|drabble|songfic)s?\b
        |popped\s+into\s+my\s+head|plot\s*bunn(?:y|ies)|writer['’]?s\s+block
        |my\s+(?:beta|first\s+(?:fic|story|fanfic)|muse|readers|reviewers|other\s+(?:stor(?:y|ies)|fics?))
        |(?:please|pls|plz)\s+(?:read\s+(?:and|&)\s+)?review|read\s+(?:and|&)\s+review|\br\s*&\s*r\b|review\s+(?:please|pls|plz)
        |reviews?\s+(?:are|is|would\s+be|make)|hope\s+(?:you|u|ya)\s+(?:all\s+|guys\s+)?(?:like|liked|enjoy|enjoyed)
        |let\s+me\s+know\s+what\s+you\s+(?:think|thought)|leave\s+a\s+(?:review|comment)|comments?\s+(?:are|make)\s+my
        |thanks?\s+(?:you\s+)?(?:so\s+much\s+)?(?:for\s+(?:reading|reviewing|the\s+(?:reviews|favou?rites|follows|kudos|comments))
            |to\s+(?:my\s+)?(?:beta|everyone|all))
        |i\s+(?:don['’]?t|do\s+not)\s+own|no\s+copyright\s+infringement|not\s+mine|belongs?\s+to\s+[A-Z]
        |^\s*(?:next\s+time(?:\s+on\s+[^:.!?]{1,60})?|next\s+chapter|next\s+in\s+the\s+series|coming\s+up|in\s+the\s+next\s+chapter|teaser|preview)\s*[:.\-–—]
        |see\s+the\s+end\s+of\s+the\s+(?:chapter|work)\s+for\s+(?:more\s+)?notes|cross-?posted\s+(?:to|on|at|from)
        |(?:kommentare?|reviews?|kommis?)\s+(?:würde|w[äa]ren|freue|machen)|über\s+(?:kommentare|reviews|ein\s+review)
        |(?:dejen|deja|d[ée]jenme)\s+(?:un\s+)?(?:review|comentario)|ciao\s+a\s+tutti|grazie\s+(?:per|a\s+tutti)|recensioni
        |dank\s+(?:je|u)\s+wel|bedankt\s+voor\s+het\s+lezen|dziękuję|komentarze\s+mile|tack\s+för|teşekkür|cảm\s+ơn|comentarios?\s+(?:son|me)|laissez\s+(?:un|des)\s+(?:commentaire|review)
        |(?:next|new)\s+(?:chapter|update|part)\s+(?:soon|will|should|is|coming|up|out)|update\s+soon|more\s+soon
        |sorry\s+(?:this|it|for\s+the|(?:the\s+)?(?:chapter|part|update)(?:\s+\d{1,3})?)\s+(?:took|wait|delay|late|long|is\s+late|was\s+late)
        |review\s+repl(?:y|ies)|replies\s+to\s+(?:the\s+)?reviews|(?:thanks|thank\s+you)\s+to\s+\S+(?:\s+\S+)?\s+for\s+(?:the\s+)?beta
        |questa\s+storia|esta\s+historia|cette\s+histoire|diese\s+geschichte|dieses\s+kapitel|questo\s+capitolo|este\s+cap[ií]tulo|ce\s+chapitre
        |\b(?:challenge|exchange|prompt)\s+(?:thread|entry|response|fic|community)|(?:written|posted)\s+for\s+(?:the\s+)?\S+(?:\s+\S+){0,3}\s+(?:challenge|exchange|fest|big\s*bang|week|prompt)
        |reblogs?\s*>\s*likes|(?:thanks|thank\s+you)\s+to\s+\S+(?:\s+\S+)?\s+for\s+(?:the\s+|a\s+)?[\w-]+\s+beta
        |^\s*for\s+\S+(?:\s+\S+)?\s+(?:in|for)\s+(?:the\s+)?.{0,40}\b(?:exchange|challenge|fest|swap|big\s*bang|ficathon)\b
        |спасибо,?\s+что\s+(?:дочитали|прочитали|читаете)|буду\s+(?:очень\s+)?рад[аы]?\s+(?:вашим\s+)?отзывам|жду\s+(?:ваших\s+)?отзывов
        |jangan\s+lupa\s+(?:vote|komen|voment)|vote\s*(?:&|dan|n)\s*komen|makasih\s+(?:udah|sudah)\s+baca|terima\s+kasih\s+(?:sudah|telah)\s+membaca|gimana\s+(?:part|chapter|bab)
        |^\s*(?:i\s+)?wrote\s+this\s+(?:at|in|on|for|after|because|during|while|ages|years|last)\b|\bset\s+(?:sometime\s+|somewhere\s+)?(?:in|during|after|before)\s+(?:series|season|s\d|book|the\s+(?:series|season|episode))
        |^\s*(?:thanks|thank\s+you)\s+to\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?\s+(?:for|and)\b
        |grazie\s+mille|gracias\s+(?:por|a\s+(?:todos|todas|mi))|merci\s+(?:à|a|pour|de\s+(?:lire|votre))|danke\s+(?:für|an)|obrigad[oa]\s+(?:por|a\s+tod))""",
    re.IGNORECASE | re.VERBOSE,
)
WEAK_TALK = lazyre.compile(
    r"""\b(?:updat(?:e|ed|es|ing)|fanfic(?:tion)?|fics?|kudos|beta(?:ed|'d)?|wip|review(?:s|ed|ing)?|readers?|sequel
        |one-?shot|canon|spoilers?|prompt|pov|au|ooc|enjoy|author|writing|songfics?|drabbles?|ficlets?|unbeta(?:ed|'d)?
        |housekeeping|typos?|mistakes|anon|thanks|thank\s+(?:you|u)|thanku|tumblr|twitter|ao3|ffn|discord|patreon|ko-?fi
        |feedback|concrit|c\s*&\s*c|flames?|comments?|sorry\s+for\s+the\s+(?:wait|delay|late)|<g>|lol|hiatus)(?:\b|(?<=>))""",
    re.IGNORECASE | re.VERBOSE,
)
NOTE_JARGON = lazyre.compile(
    r"\b(?:spoilers?|beta(?:ed|'d)?|unbeta(?:ed|'d)?|au|ooc|canon|pov|prompt|songfic|drabble|ficlet|wip|fanfic|fic|kudos|reviews?)\b",
    re.IGNORECASE,
)
TALKER = lazyre.compile(r"\b(?:i|i['’]m|i['’]ve|i['’]ll|i['’]d|my|me|you|your|you['’]re|guys|y['’]all|everyone|anyone)\b|!", re.IGNORECASE)


FIRST_PERSON = lazyre.compile(r"\b(?:i|i['’]m|i['’]ve|i['’]ll|i['’]d|my|me)\b", re.IGNORECASE)
"""The writer speaking of themselves, which a summary does not: "this is my first warriors fanfic"."""
def opens_with_talk(text: str) -> bool:
    """The writer greeting the reader in the first words, as a summary never does.

    "HI GUYS!!! This is my first warriors fanfic so please be nice" — yes;
    "Sakura finds a letter in her locker!! Who could it be from? my first fic pls R&R!" — no, a summary.
    """
    opening = " ".join(re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=2)[:2])
    return bool(STRONG_TALK.search(opening)) or writer_talk(opening) and bool(FIRST_PERSON.search(opening))


NARRATOR_WORDS = lazyre.compile(r"\b(?:chapters?|story|stories|readers?)\b", re.IGNORECASE)
ADDRESS = lazyre.compile(r"!|\b(?:you|your|you['’]re|guys|y['’]all|everyone|anyone)\b", re.IGNORECASE)


def writer_talk(text: str) -> bool:
    """The author talking about the writing, the reader or reviews, not the story speaking.

    "chapter" or "story" with "I" is also how narrators talk ("I must give one chapter
    to Estella"), so those words count only when the reader is addressed or exclaimed at.
    """
    text = text.strip()
    if text.startswith(('"', "“", "'", "‘")):
        return False
    if STRONG_TALK.search(text) or (WEAK_TALK.search(text) and TALKER.search(text)):
        return True
    return bool(NARRATOR_WORDS.search(text) and ADDRESS.search(text))


def chatty_preamble(ctx: Context, i: int) -> int:
    """Okay, so this lovely story popped into my head over Christmas."""
    text = ctx.chunks[i].text
    if any(k == "heading" for k in ctx.kinds[:i]):
        # at a chapter's head only unmistakable talk counts: narrators address "the reader" too
        return 1 if STRONG_TALK.search(text) and not text.lstrip().startswith(('"', "“")) else 0
    return 1 if writer_talk(text) else 0


def closing_chatter(chunk: Chunk) -> bool:
    """It rained all day. / Let me know what you think!"""
    text = chunk.text.strip()
    if len(text) > 800 or text.startswith(('"', "“", "'", "‘")):
        return False
    # a long paragraph that only mentions "chapter" or "my life" is a narrator, not the author
    return bool(STRONG_TALK.search(text)) or (len(text) <= 400 and writer_talk(text))


SIGNATURE = lazyre.compile(
    r"""^\s*(?:[-~–—=*]+\s*[\w.,'’ ]{1,30}[\s~*=-]*
        |(?:xoxo|xx+|hugs|cheers|peace)\b[\w\s,.!~-]{0,30}
        |\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}
        |(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}
        |\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}
        |(?:written|posted|finished)\s+(?:on\s+)?.{3,30})\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def note_signature(ctx: Context, i: int) -> int:
    """A/N: Thanks for reading! / ~Jess"""
    chunk = ctx.chunks[i]
    if ctx.prev_kind(i) != "note" or len(chunk.text) > 60:
        return 0
    return 1 if all(SIGNATURE.match(line) for line in chunk.lines) else 0


SIGN_OFF_WORDS = r"(?:xoxo|xx+|hugs|cheers|peace|love|until\s+next\s+time|see\s+you(?:\s+soon)?|ta|thanks(?:\s+again)?)"
SIGNED_NAME = lazyre.compile(r"[-~–—]?\s*[\w.'’@-]+(?:\s+[\w.'’@-]+){0,2}")


def bare_signature(chunk: Chunk) -> bool:
    """The writer's name alone under a closing note: "♥ ember", "Eure Jule", "~sparky ⚡".

    Only a candidate: the tail pass makes it a note when the chunk above it is one.
    """
    text = chunk.text.strip()
    return (
        len(chunk.lines) == 1
        and len(text) <= 30
        and 1 <= len(text.split()) <= 3
        and any(ch.isalpha() for ch in text)
        and not text.endswith((".", "?", ",", ";", ":", '"', "”"))
        and not text.startswith(('"', "“", "'", "‘"))
    )


def sign_off_name(ctx: Context, i: int) -> int:
    """He left, and the house was quiet for a long time after that. / Thanks for reading! / xoxo, / Mags"""
    chunk = ctx.chunks[i]
    if i == 0 or len(chunk.lines) != 1 or len(chunk.text.split()) > 3:
        return 0
    above = ctx.chunks[i - 1].lines[-1]
    sign_off = re.match(rf"^\s*{SIGN_OFF_WORDS}\b.{{0,20}}[,!]?\s*$", above, re.I)
    name = SIGNED_NAME.fullmatch(chunk.text.strip())
    return 1 if sign_off and name and ctx.kinds[i - 1] in ("prose", "note") and writer_talk_above(ctx, i - 1) else 0


def writer_talk_above(ctx: Context, i: int) -> bool:
    """The author's voice is near: one of the few paragraphs above talks about the writing."""
    return any(writer_talk(ctx.chunks[j].text) or ctx.kinds[j] == "note" for j in range(max(0, i - 3), i + 1))


def _chat_line(ctx: Context, j: int) -> bool:
    """"harrowhark: Again." with harrowhark speaking again close by: a chat in the story, not a reply to a reviewer."""
    name = _reply_name(ctx.chunks[j].lines[0])
    near = range(max(0, j - 3), min(len(ctx.chunks), j + 4))
    return name is not None and (any(k != j and _reply_name(ctx.chunks[k].lines[0]) == name for k in near) or _chat_run(ctx, j))


def _chat_run(ctx: Context, j: int) -> bool:
    """"Nya: … / Jay: … / Cole: … / Lloyd: … / Nya: …": in an unbroken run of named lines someone speaks twice."""
    a = b = j
    while a > 0 and j - a < 30 and _reply_name(ctx.chunks[a - 1].lines[0]):
        a -= 1
    while b + 1 < len(ctx.chunks) and b - j < 30 and _reply_name(ctx.chunks[b + 1].lines[0]):
        b += 1
    names = [_reply_name(line) for chunk in ctx.chunks[a : b + 1] for line in chunk.lines if _reply_name(line)]
    return len(names) >= 3 and len(set(names)) < len(names)


def _reply_name(line: str) -> str | None:
    match = REVIEW_REPLY.match(line)
    return line.split(":", 1)[0].strip().lower() if match else None


def disclaimer_field(chunk: Chunk) -> bool:
    """Disclaimer: not mine."""
    field = header_key(chunk.lines[0])
    return field is not None and field[0] == "Disclaimer"


def tail_disclaimer(ctx: Context, i: int) -> int:
    """It rained. / Disclaimer: I still don't own Naruto. Sad face. / Chapter 2 / It snowed."""
    return int(disclaimer_field(ctx.chunks[i]) and "heading" in ctx.kinds[i + 1 :])  # the next chapter's boilerplate


def closing_disclaimer(ctx: Context, i: int) -> int:
    """It rained. / Disclaimer: All publicly recognizable characters are the property of their owners."""
    return int(disclaimer_field(ctx.chunks[i]) and "heading" not in ctx.kinds[i + 1 :])  # the archive's footer


def review_reply(ctx: Context, i: int) -> int:
    """It rained all night. / Tardisgirl42: haha yes the pies will come back, they are important"""
    chunk = ctx.chunks[i]
    first = chunk.lines[0]
    label = LABEL_LINE.match(first)
    if label and label.group("label").strip().lower() in NOTE_LABELS:
        return 1
    if first.lstrip().startswith(('"', "“")):
        return 0
    names = [_reply_name(line) for line in chunk.lines]
    if not all(names) or len(set(names)) < len(names):
        return 0
    # "kageyama: oi" then "kageyama: hinata": one speaker again and again is a chat in the story;
    # replies to reviews answer a different reader each time
    for j in (i - 3, i - 2, i - 1, i + 1, i + 2, i + 3):
        if 0 <= j < len(ctx.chunks) and _reply_name(ctx.chunks[j].lines[0]) in names:
            return 0
    return 0 if _chat_run(ctx, i) else 1


def bracketed_aside(chunk: Chunk) -> bool:
    """It rained. / [100 words]"""
    text = chunk.text.strip()
    return len(text) <= 300 and bool(re.fullmatch(r"\[[^\[\]]+\]|\((?:[^()]*)\)", text)) and not re.fullmatch(r"[\[(][\d\s/]+[\])]", text)


CHROME = lazyre.compile(
    r"^\s*(?:actions|kudos\s*♥?(?:\s*\(\d[\d,]*\))?|bookmarks?(?:\s*\(\d[\d,]*\))?|hits\s*:?\s*\d[\d,]*|comments?\s*(?:\(\d+\))?|share|subscribe|download|reviews?\s*(?:\(\d+\))?|favou?rite|follow|"
    r"back\s+to\s+top|top\s+of\s+work|tags?:.*|(?:current\s+)?(?:mood|music|location)\s*:.*|\d+\s+comments?\b.*|leave\s+a\s+comment.*|comment\s+count.*"
    r"|\d[\d,]*\s+notes|reblog(?:s|ged)?(?:\s*\(\d[\d,]*\))?|votes?(?:\s*\(\d[\d,]*\))?|follow\s*/\s*fav(?:ou?rite)?|#\S.*|reply|report(?:\s+chapter)?|save|flag|index|edit|permalink|[↑^]?\s*top"
    r"|[«‹<←]*\s*(?:previous|prev|next)\s+(?:chapter|part|page)\s*[»›>→]*|continue\s+to\s+next\s+part|(?:back\s+to\s+)?table\s+of\s+contents"
    r"|you\s+must\s+be\s+logged\s+in.*|this\s+entry\s+was\s+originally\s+posted\s+at.*|you\s+are\s+visitor.*|.*\bhosted\s+by\b.*|your\s+use\s+of\s+yahoo.*|flat\s*\|.*"
    r"|\(\s*\d+\s+comments?.*\)|review\s+this\s+(?:chapter|story).*|support\s+[\"“].+[\"”]"
    r"|last\s+(?:edited|updated|modified)\b.*|reactions?\s*:.*|reply\s+with\s+quote|\(\s*(?:post\s+a\s+new\s+comment|reply|thread|link|\d+\s+comments?\s*-\s*reply)\s*\)|multi-?quote|quote|like|bookmark"
    r"|words\s*:\s*[\d.,]+\s*k?|continue\s+reading(?:\s+(?:the\s+)?next\s+(?:part|chapter))?|(?:add\s+to\s+)?(?:library|reading\s+list)"
    r"|.*(?:<<|«).*\|.*(?:>>|»).*|.*\bback\s+to\s+(?:fanfic\s+)?index\b.*|[«‹<←]+\s*prev(?:ious)?\b.*\bnext\s*[»›>→]+"
    r"|.*\band\s+\d[\d,]*\s+more\s+users\b.*|.*\bleft\s+kudos\s+on\s+this\s+work\b.*"
    # a page's own foot: "< Prev", "Next >", "[ Back to Fiction ] [ Home ]", "Page last updated 08/21/2006"
    r"|[«‹<←]+\s*(?:prev(?:ious)?|back)\b.{0,30}|.{0,30}\bnext\s*[»›>→]+"
    r"|(?:\[\s*(?:back\s+to\s+[^\]]{1,30}|home|index|fiction|stories|top|next[^\]]{0,20}|prev[^\]]{0,20})\s*\]\s*){1,6}"
    r"|(?=.*\b(?:back|home|index|next|prev|guestbook)\b)(?:\[[^\[\]]{1,40}\]\s*){2,6}"
    r"|\(?\s*(?:this\s+)?(?:page|file|story|site)\s+last\s+(?:edited|updated|modified|revised)\b.*"
    r"|this\s+(?:story|fic|work)\s+(?:is\s+|was\s+)?archived\s+at\b.*"
    r"|.*\bback\s+to\s+(?:the\s+)?(?:fanfic\s+|fiction\s+)?(?:index|fiction|stories|home|main\s+page)\b.*"
    r"|[\[(<«].{0,60}\bback\s+to\b.{0,80}|.{0,60}\bback\s+to\b.{0,60}\s[|·•]\s.{0,60})\s*$",
    re.IGNORECASE,
)


CHROME_WORD = lazyre.compile(
    r"kudos|♥|bookmarks?|comments?|share|download|actions|reply|report|save|follow|subscribe|reblog|like|\(\d[\d,]*\)|\||·|•",
    re.IGNORECASE,
)


def archive_chrome(chunk: Chunk) -> bool:
    """It rained. / Actions | Kudos ♥ | Bookmark | Comments (48)"""
    return all(CHROME.match(line) or _chrome_words(line) or link_bar(line) for line in chunk.lines)


def link_bar(line: str) -> bool:
    """"Comment on this story | Add to favorites | Report": a page's row of links, not a sentence."""
    items = [item.strip() for item in re.split(r"\s[|·•]\s", line.strip())]
    return (
        len(items) >= 2
        and not re.fullmatch(r"\d{1,3}", items[0])  # "1 | The Party" numbers a chapter
        and all(0 < len(item.split()) <= 5 and not re.search(r"[,;@\"“”]|\w[.?]\s", item) for item in items)
        and not any(_sentence_like(item) and len(item.split()) > 3 for item in items)
    )


def _chrome_words(line: str) -> bool:
    """"Kudos ♥ Bookmark Comments (23)": a row of the site's buttons."""
    words = line.split()
    return len(words) >= 2 and all(CHROME_WORD.fullmatch(w) for w in words)


SIGN_OFF = lazyre.compile(rf"^\s*{SIGN_OFF_WORDS}\b.{{0,20}},\s*$", re.I)


def signature(chunk: Chunk) -> bool:
    """He left her there in the rain, and he did not look back, not even once, not even when she called. / — Jess"""
    if len(chunk.text) > 60:
        return False
    if len(chunk.lines) == 2 and SIGN_OFF.match(chunk.lines[0]) and SIGNED_NAME.fullmatch(chunk.lines[1].strip()):
        return not chunk.lines[0].lower().startswith("love")  # "Love, / Molly" ends letters in stories too
    if len(chunk.lines) == 2 and SIGNED_NAME.fullmatch(chunk.lines[0].strip()) and SIGNATURE.match(chunk.lines[1]):
        return bool(re.search(r"\d", chunk.lines[1]))  # a name over a date: "Kat / 27/12/2009"
    if any(DASH_DIALOGUE.match(line) or re.fullmatch(r"\s*([*_])[^*_]+[.!?…]\1\s*", line) for line in chunk.lines):
        return False  # dialogue set with a dash, or a thought in emphasis: "*She knows. She saw.*"
    return all(SIGNATURE.match(line) for line in chunk.lines)


DASH_DIALOGUE = lazyre.compile(r"^\s*[–—―]\s*\S+(?:\s+\S+){1,}[.!?…]\s*$")
"""A line of dialogue set with a dash, as French, Spanish and Russian write it: "— Je n'ai pas peur." """


# ---- scene breaks

SYMBOLS_ONLY = lazyre.compile(r"^[\s\W_]{1,80}$")
QUOTES = lazyre.compile(r"[\"'“”‘’«»()]")
SPEECH_MARKS = lazyre.compile(r"^[.…?!\s]+$")


ASCII_WORD = lazyre.compile(r"[A-Za-z0-9]{2}")


def _undecorated(line: str) -> str:
    """``line`` without the modifier letters and foreign digits that decorate breaks: "-ˋˏ ༻❁༺ ˎˊ-", "⋆˚｡⋆୨୧˚｡⋆"."""
    if line.isascii():
        return line
    return "".join(ch for ch in line if not (unicodedata.category(ch) == "Lm" or not ch.isascii() and ch.isdigit()))


def symbol_line(chunk: Chunk) -> bool:
    """* * *"""
    line = chunk.lines[0].strip()
    if len(chunk.lines) != 1 or len(line) > 80 or ASCII_WORD.search(line) or not SYMBOLS_ONLY.match(_undecorated(line) or line):
        return False
    # "..." or "?!" alone is a character's silence or reaction, not a break; ">" alone is
    # the empty line of a Markdown blockquote; "---|---" rules a Markdown table's head
    if re.fullmatch(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?", line):
        return False
    return not QUOTES.search(line) and not SPEECH_MARKS.match(line) and not re.fullmatch(r">+", line)


DECORATED = lazyre.compile(r"^[\W_]*(?:[xo0]+[\W_]*){2,}$|^[\W_]*[xo0]*[\W_]+[xo0]+[\W_]+[xo0]*[\W_]*$", re.IGNORECASE)
BREAK_WORDS = lazyre.compile(
    r"^\s*[\[(<{*~=_-]*\s*(?:(?:line|scene|page|section|time|pov)?\s*(?:break|change|skip|switch)|newpage|new\s+page)\s*[\])>}*~=_-]*\s*$",
    re.IGNORECASE,
)


def decorated_break(chunk: Chunk) -> bool:
    """xXx"""
    line = chunk.lines[0].strip()
    if len(chunk.lines) != 1 or len(line) > 60 or line.endswith(","):
        return False  # "xoxo," signs off a note
    if BREAK_WORDS.match(line) or repeated_token(line):
        return True
    if not DECORATED.match(line) or len(line) < 3:
        return False
    letters = [c for c in line if c.isalnum()]
    # "xXx", "oOo", "-o0o-": mixed case or digits, or symbols around the letters; "xxx" alone
    return len(set(letters)) > 1 or len(letters) < len(line) or bool(re.fullmatch(r"[xX]{3,}|0{3,}|O{5,}", line))


def lone_x(ctx: Context, i: int) -> int:
    """It rained all night and nobody in the house slept. / x / Something moved at the corner of his mouth."""
    if ctx.chunks[i].text.strip() != "x" or ctx.prev_kind(i) != "prose" or i + 1 >= len(ctx.chunks):
        return 0
    return int(len(ctx.chunks[i + 1].text) >= 40)  # between two paragraphs; under a note it is a kiss


LAUGHTER = frozenset({"ha", "he", "hi", "ho", "hu", "la", "na", "no", "mu", "ya", "yo", "ah", "oh", "eh", "wa", "ba", "bo", "da", "ra"})


def repeated_token(line: str) -> bool:
    """"NCISNCISNCIS", "HPHPHP": the fandom's initials repeated as a scene break (not "HAHAHA")."""
    match = re.fullmatch(r"\s*[\W_]*([A-Z][A-Za-z]{1,7})\1{2,}[\W_]*\s*", line)
    return bool(match) and match.group(1).isupper() and match.group(1).lower() not in LAUGHTER


def centred_ornament(chunk: Chunk) -> bool:
    """It rained. /                   o / It stopped."""
    raw = chunk.lines[0]
    text = raw.strip()
    indent = len(raw) - len(raw.lstrip(" "))
    return len(chunk.lines) == 1 and indent >= 8 and 0 < len(text) <= 5 and bool(re.fullmatch(r"[\W_xXoO0]+", text))


# ---- headings

NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]?(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|hundred|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final"
    r"|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|un|une|deux|trois|quatre|cinq|eins|zwei|drei|vier|f[üu]nf"
    r"|unico|unica|único|única|unique"
)
CHAPTER_WORDS = (
    r"chapter|chap\.?|ch\.?|part|pt\.|book|volume|vol\.|section|act|episode|session|scene|entry|day"
    r"|cap[ií]tulo|cap\.|chapitre|kapitel|capitolo|parte|partie|teil|libro|livre|buch|tomo|episodio|épisode"
    r"|глава|гл\.|часть|том|rozdział|hoofdstuk|kapitola|luku"
)
CHAPTER_HEADING = lazyre.compile(
    rf"""^\s*[^\w\s"“'‘(]{{0,6}}\s*(?:{CHAPTER_WORDS})\s*
        (?:\#\s*|no\.\s*)?(?:\d{{1,4}}|[ivxlcdm]{{1,8}}|{NUMBER_WORDS}|the\s+(?:{NUMBER_WORDS}))\b[.:]?
        (?:\s*(?:[:.\-–—|/,(~]|\s)\s*.{{0,100}})?\s*[^\w\s]{{0,6}}$""",
    re.IGNORECASE | re.VERBOSE,
)
NAMED_HEADING = lazyre.compile(
    r"""^\s*[^\w\s"“'‘(]{0,6}\s*(?:prologue|epilogue|interlude|afterword|foreword|preface|introduction|coda|postscript|intermission|chapter\s+text|work\s+text
        |pr[oó]logo|ep[ií]logo|prolog|epilog|épilogue|prologo|epilogo|interludio|пролог|эпилог|интерлюдия)\b
        (?:\s+(?:\d{1,3}(?:\.\w{1,3})?|[IVX]{1,5}|[ivx]{1,5})\b)?(?:\s*[:.\-–—]\s*.{0,80})?\s*[*_~=\]-]*$""",
    re.IGNORECASE | re.VERBOSE,
)
NUMBERED_HEADING = lazyre.compile(
    r"^\s*[~*=#-]{1,3}\s*(?:\d{1,3}|[IVXLC]{1,7})\s*[~*=#-]{1,3}\s*$"
    r"|^\s*(?:\d{1,3}|[IVXLC]{2,7}|[IVX])\.\s*$|^\s*(?:\d{1,3}|[IVXLC]{2,7})\s*$|^\s*-\s*(?!30-)\d{1,3}\s*-\s*$"
    r"|^\s*[(\[{]\s*\d{1,3}\s*/\s*\d{1,3}\s*[)\]}]\s*$|^\s*(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx)\.\s*$"
    r"|^\s*[*_]{0,3}\s*#\d{1,3}\s*[—–:.-]\s*[^\W\d_][^.!?]{0,50}?[*_]{0,3}\s*$"
    # a forum's threadmarks: "1.1 - The Worst Monday"
    r"|^\s*\d{1,2}\.\d{1,2}\s*[-–—:]\s*[^\W\d_][^.!?]{0,60}$"
    # the "+1" of a "five times … and one time" story: "+1", "+ One", "+1. Iroh", "#6 - + One"
    r"|^\s*[*_]{0,3}\s*(?:#\d{1,2}\s*[—–:.-]\s*)?\+\s*(?:1|[Oo]ne|ONE)\b[.:)]?(?:\s+[^\W\d_][^.!?]{0,50})?[*_]{0,3}\s*$"
)
MARKDOWN_HEADING = lazyre.compile(r"^\s*#{1,6}\s+\S.{0,90}$|^\s*\[chapter:[^\]]{0,80}\]\s*$")


def _is_heading_line(text: str) -> bool:
    text = plain_letters(text)
    return bool(
        CHAPTER_HEADING.match(text) or NAMED_HEADING.match(text) or NUMBERED_HEADING.match(text) or NUMBER_TITLE.match(text)
        or DECORATED_NUMBER_TITLE.match(text)
    )


def _sentence_like(text: str) -> bool:
    """A heading's title is a phrase; a line ending like a sentence is prose."""
    words = text.split()
    return len(words) > 14 or (text.rstrip().endswith((".", ",", ";")) and len(words) > 6)


CHAPTER_PREFIX = lazyre.compile(
    rf"^\s*[^\w\s\"“'‘(]{{0,6}}\s*(?:{CHAPTER_WORDS})\s*"
    rf"(?:\#\s*|no\.\s*)?(?:\d{{1,4}}|[ivxlcdm]{{1,8}}|{NUMBER_WORDS})\b[.:]?(?P<rest>.*)$",
    re.IGNORECASE,
)


def _plain_title_ok(line: str) -> bool:
    """After "Chapter 12" a title needs a separator, or must read as a title, not a sentence."""
    match = CHAPTER_PREFIX.match(line)
    if not match:
        return True
    rest = match.group("rest").strip().strip("*_~=]-").strip()
    if line[match.start("rest") - 1 : match.start("rest")] in (":", "."):
        return True  # "Capítulo 1: La muralla", "Chapter 3. the end of it"
    if not rest or match.group("rest")[:1] not in (" ", "\t") or re.match(r"^\s*[:.\-–—|/,(~]", match.group("rest")):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", rest)]
    small = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "or", "with", "from", "by"}
    return not rest.endswith((".", ",", ";")) and all(w[0].isupper() or w.lower() in small for w in words)


DECORATED_WORDS = lazyre.compile(r"^\s*(?P<left>[~*=#+·•-]{1,})\s*(?P<words>[^\W\d_][\w'’ ]{0,24}?)\s*(?P<right>[~*=#+·•-]{1,})\s*$")


def decorated_words(chunk: Chunk) -> bool:
    """~*~ Later ~*~"""
    match = DECORATED_WORDS.match(chunk.text) if len(chunk.lines) == 1 else None
    if not match or END_MARKER.match(match.group("words")):
        return False
    if re.fullmatch(r"\s*([*_])[^*_\s][^*_]*[^*_\s]?\1\s*", chunk.text):
        return False  # "*Remus*": one word in emphasis, a letter's signature
    words = match.group("words").split()
    thin = len(match.group("left")) < 2 or len(match.group("right")) < 2
    return len(words) <= (1 if thin else 3)


POV_NAME = lazyre.compile(r"^\s*[~=-]{1,3}\s*(?P<name>[A-Z][^\W\d_]*(?:['’.][^\W\d_]+)*(?:\s+[A-Z][^\W\d_'’.]*){0,2})\s*[~=-]{1,3}\s*$")
TRANSITIONS = frozenset(
    "later meanwhile flashback present past now earlier elsewhere then morning evening night afternoon today tomorrow "
    "yesterday before after end beginning interlude memories dream dreams outside inside home".split()
)


def pov_name(ctx: Context, i: int) -> int:
    """It rained all night, and nobody in the house slept; Eren paced, and Armin read until the candle died. / -Mikasa- / She found him at the wall at dawn, as she always did."""
    text = ctx.chunks[i].lines[0]
    match = POV_NAME.match(text) if len(ctx.chunks[i].lines) == 1 and text.lstrip()[:1] in ("~", "=", "-") else None
    if not match or i + 1 >= len(ctx.chunks) or len(ctx.chunks[i + 1].text) < 40 or END_MARKER.match(match.group("name")):
        return 0  # a name decorated alone under the last note signs it; "~Fin~" ends the story
    words = match.group("name").lower().split()
    return int(not any(w.strip(".") in TRANSITIONS for w in words) and words[0] not in ("the", "a") or len(words) == 2 and words[0] == "the" and words[1] not in TRANSITIONS)


def header_block(ctx: Context, i: int) -> int:
    """The rain went on all night, and nobody in the house slept. / From: dana@example.edu | Newsgroups: alt.tv.x-files.creative | Subject: Part 2/2"""
    if not header_key(ctx.chunks[i].lines[0]):
        return 0
    end = i
    labels = set()
    subjects = []
    while end < len(ctx.chunks) and header_key(ctx.chunks[end].lines[0]) and (end == i or ctx.adjacent(end)):
        label, value = header_key(ctx.chunks[end].lines[0])  # type: ignore[misc]
        labels.add(label)
        if label == "Subject":
            subjects.append(value)
        end += 1
    # an e-mail quoted in the story has From/To/Subject/Date; a reposted part has more, or says
    # what it is in its subject: "[pretender_fic] FIC: Paper Birds 2/2 (PG)"
    story_fields = labels - MAIL_ONLY or any(FIC_SUBJECT.search(subject) for subject in subjects)
    return end - i if end - i >= 3 and story_fields else 0


FIC_SUBJECT = lazyre.compile(r"\b(?:fic|fanfic|ficlet|drabble|story)\b\s*[:\]]|\[(?:fic|fanfic|ficlet|drabble)\]|\b\d{1,2}\s*/\s*\d{1,2}\b", re.IGNORECASE)


SERIES_PLACE = lazyre.compile(r"^\s*(?:part|book|volume|vol\.|installment|story)\s+\w+\s+of\s+(?:the\s+)?(?P<name>\w+)", re.IGNORECASE)


def _series_place(line: str) -> bool:
    """Part 3 of the Crystal Hearts Saga"""
    match = SERIES_PLACE.match(line)
    return bool(match and match.group("name")[:1].isupper())


def plain_letters(text: str) -> str:
    """"𝐜𝐡𝐚𝐩𝐭𝐞𝐫 𝐨𝐧𝐞" as "chapter one": the mathematical letters Wattpad and Tumblr titles are set in."""
    return unicodedata.normalize("NFKC", text) if len(text) <= 200 and MATH_LETTER.search(text) else text


MATH_LETTER = lazyre.compile("[\U0001d400-\U0001d7ff]")


def chapter_heading(chunk: Chunk) -> bool:
    """Chapter One: The Rain"""
    if len(chunk.lines) <= 2 and len(chunk.lines[0]) <= 200 and MATH_LETTER.search(chunk.text):
        chunk = Chunk(tuple(plain_letters(line) for line in chunk.lines), chunk.line)
    if not _plain_title_ok(chunk.lines[0]) or _series_place(chunk.lines[0]):
        return False  # "Part 3 of the Crystal Hearts Saga" places the story in a series
    if "|" in chunk.lines[0] and re.search(r"<<|>>|«|»", chunk.lines[0]):
        return False  # "<< Chapter 2 | Table of Contents | Chapter 4 >>" is the site's navigation
    return len(chunk.lines) <= 2 and bool(CHAPTER_HEADING.match(chunk.lines[0])) and not _sentence_like(chunk.lines[0]) and (
        len(chunk.lines) == 1 or _title_like(chunk.lines[1], allow_period=True)
    )


def named_heading(chunk: Chunk) -> bool:
    """Prologue"""
    return len(chunk.lines) <= 2 and bool(NAMED_HEADING.match(chunk.lines[0])) and not _sentence_like(chunk.lines[0]) and (
        len(chunk.lines) == 1 or _title_like(chunk.lines[1], allow_period=True)
    )


NUMBER_WORD_LINE = lazyre.compile(rf"^\s*[*_~=-]*\s*(?:{NUMBER_WORDS})\s*[*_~=-]*\s*$", re.IGNORECASE)


NUMBER_TITLE = lazyre.compile(r"^\s*(?:\d{1,3}|[IVXLC]{1,7})[.)]\s+(?P<title>[A-Z\"“'‘].{0,60})$")


def titled_heading(chunk: Chunk) -> bool:
    """Low Tide | Chapter 1"""
    lines = chunk.lines
    if not 2 <= len(lines) <= 3 or _is_heading_line(lines[0]) and len(lines) == 2:
        return False
    marks = [i for i, line in enumerate(lines) if _is_heading_line(line)]
    others = [line for i, line in enumerate(lines) if i not in marks]
    if any(byline_name(ln) for ln in others):
        return False  # "HOLY GROUND / by Maggie Kessler / Part 1 of 2": the story's title block
    # "GRILLED CHEESE / 1. Cheese goes INSIDE. / 2. Ask Dad.": a numbered list under its title, not a heading
    listed = len(marks) > 1 and all(LIST_ITEM_START.match(lines[i]) or NUMBER_TITLE.match(lines[i]) for i in marks)
    return bool(marks) and not listed and marks[0] > 0 and all(_title_like(ln) and len(ln.split()) <= 8 for ln in others)


def numbered_heading(chunk: Chunk) -> bool:
    """IV."""
    line = chunk.lines[0]
    if line.strip() == "-30-":
        return False  # the newsroom's end mark
    if len(chunk.lines) == 2:
        if DECORATED_NUMBER_TITLE.match(line) and POV_HEADING.match(chunk.lines[1]):
            return True  # "1 | The Party / ~Alec's POV~"
        return bool(NUMBERED_HEADING.match(line)) and _title_like(chunk.lines[1], allow_period=True)
    if len(chunk.lines) != 1:
        return False
    if NUMBERED_HEADING.match(line) or ((line.strip().isupper() or line.strip().istitle()) and NUMBER_WORD_LINE.match(line)):
        return True
    titled = NUMBER_TITLE.match(line) or DECORATED_NUMBER_TITLE.match(line)
    return bool(titled) and len(titled.group("title").split()) <= 8 and _title_like(titled.group("title"))


DECORATED_NUMBER_TITLE = lazyre.compile(r"^\s*(?:0\d|\d{1,3})\s*[▸►▶»›·•|]\s*(?P<title>[^\W_].{0,60})$")
"""Wattpad's and Tumblr's chapter lines, in lower case as often as not: "01 ▸ soonie, doongie, dori"."""


def roman_one(ctx: Context, i: int) -> int:
    """I / It rained all day. / II / It snowed."""
    if ctx.chunks[i].text.strip() != "I":
        return 0  # the pronoun alone is a line too; the numeral has a "II" to come
    return int(any(c.text.strip() in ("II", "II.") for c in ctx.chunks[i + 1 : i + 400]))


POV_HEADING = lazyre.compile(
    r"^\s*[\W_]*\s*(?:[A-Z][\w.'’/-]*(?:\s+[A-Z][\w.'’/-]*){0,2}(?:['’]s)?\s+(?:POV|P\.O\.V\.?|point\s+of\s+view)|POV\s*[:\-–—]\s*[A-Z][\w'’ ]{0,30}"
    r"|[A-Z]{1,2}POV|\(?[A-Z]/[A-Z]\)?['’]s\s+POV)\s*[\W_]*\s*$",
)


def pov_heading(chunk: Chunk) -> bool:
    """~Bella's POV~"""
    return len(chunk.lines) == 1 and len(chunk.text) <= 50 and bool(POV_HEADING.match(chunk.text))


def markdown_title(ctx: Context, i: int) -> int:
    """# Empty Rooms / *by wax_and_static* / The lodger came in March."""
    # a Markdown file's title block at its head, not its first chapter's heading
    chunk = ctx.chunks[i]
    if len(chunk.lines) != 1 or not re.match(r"^\s*#{1,3}\s+\S", chunk.text) or any(k not in (None, "front_matter") for k in ctx.kinds[:i]):
        return 0
    nxt = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    if nxt is not None and len(nxt.lines) == 1 and byline_name(nxt.text):
        return 2
    return 0


def markdown_heading(chunk: Chunk) -> bool:
    """# One"""
    if len(chunk.lines) != 1 or not MARKDOWN_HEADING.match(chunk.lines[0]):
        return False
    words = chunk.lines[0].strip().lstrip("#").strip().lower()
    return words not in HEADER_KEYS and words not in NOTE_LABELS  # "### Summary" labels the header


def _title_like(line: str, allow_period: bool = False) -> bool:
    text = line.strip()
    if allow_period and text.endswith(".") and (text.isupper() or len(text.split()) <= 6) and not text.endswith(".."):
        text = text[:-1]
    return 0 < len(text) <= 70 and not text.endswith((".", ",", ";", "?", "!", "\"", "”")) or bool(
        re.fullmatch(r"[\"“'‘].{1,60}[\"”'’]", text)
    )


DATE_WORDS = lazyre.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d|\d{4}|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)


PART_TITLE = lazyre.compile(
    r"^\s*[A-Z][^.!?]{1,50}?\s*(?:[,:\-–—(]\s*)?(?:part|pt\.?)\s+(?:\d{1,2}(?:\s*(?:/|of)\s*\d{1,2})?|[ivx]{1,5}|"
    + NUMBER_WORDS + r")\s*\)?\s*$",
    re.IGNORECASE,
)


def part_title(chunk: Chunk) -> bool:
    """Ice Road, part three"""
    return len(chunk.lines) == 1 and bool(PART_TITLE.match(chunk.text))


CHAPTER_SUMMARY = lazyre.compile(r"^\s*[*_#]*\s*chapter\s+summary\s*[*_]*\s*(?::\s*(?P<value>\S.*))?$", re.IGNORECASE)


def chapter_summary(ctx: Context, i: int) -> int:
    """Chapter 1: The Chateau / Chapter Summary / Night one. Marion makes tea. / Beau was not nervous."""
    match = CHAPTER_SUMMARY.match(ctx.chunks[i].lines[0])
    if not match:
        return 0
    if match.group("value") or len(ctx.chunks[i].lines) > 1 or i + 1 >= len(ctx.chunks):
        return 1
    nxt = ctx.chunks[i + 1]
    return 2 if len(nxt.text) <= 600 and not _is_heading_line(nxt.lines[0]) else 1


def heading_title(ctx: Context, i: int) -> int:
    """Chapter 3 / The Rain / It rained all day, and nobody came."""
    chunk = ctx.chunks[i]
    if ctx.prev_kind(i) != "heading" or len(chunk.lines) != 1 or not _title_like(chunk.text, allow_period=chunk.text.isupper()):
        return 0
    if chunk.text.lstrip().startswith(('"', "“", "'", "‘", "—", "-")) or DATE_WORDS.search(chunk.text):
        return 0
    if re.match(r"^\s*(?:INT|EXT|I/E|INT\./EXT)\.|^\s*\[[^\]]{1,12}\]\s*<|^\s*<[^>]{1,30}>", chunk.text):
        return 0  # a screenplay's scene heading or a chat line belongs to the story
    prev = ctx.chunks[i - 1]
    if not (CHAPTER_HEADING.match(prev.text) or NUMBERED_HEADING.match(prev.text)) or len(prev.lines) != 1:
        return 0
    words = [w for w in chunk.text.split() if len(w) >= 4]
    titled = chunk.text.isupper() or words and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    if not titled and epigraph(ctx, i) >= 2:
        return 0  # "turn the dial till the dark comes through": the first line of the chapter's epigraph
    if re.search(r"[:\-–—]\s*\S", prev.text.split(None, 2)[-1] if len(prev.text.split()) > 2 else ""):
        return 0  # "Chapter 3: The Rain" already has its title
    # a title is followed by more than itself; the story's first line would be prose
    nxt = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    if nxt is None or chunk.text.strip().endswith(("?", "!")):
        return 0
    return 1 if len(chunk.text.split()) <= 10 else 0


PART_SUFFIX = lazyre.compile(r"\s*(?:\(\s*\d{1,3}\s*/\s*\d{1,3}\s*\)|[,:–—-]?\s*(?:part|chapter|pt\.?|ch\.?)\s*\w{1,8}(?:\s*/\s*\d{1,3})?)\s*[.:]?", re.IGNORECASE)


def repeated_title(ctx: Context, i: int) -> int:
    """Title: So Close / So Close / Chapter 1 / It rained."""
    if not ctx.title:
        return 0
    chunk = ctx.chunks[i]
    if len(chunk.lines) != 1:
        return 0
    text, title = chunk.text.strip().casefold(), ctx.title.strip().casefold()
    if text.startswith(title) and PART_SUFFIX.fullmatch(text[len(title) :]):
        return 1  # "Cold Storage (2/2)": the title with its part number opens a part anywhere
    if text != title:
        return 0
    nxt = ctx.chunks[i + 1] if i + 1 < len(ctx.chunks) else None
    if nxt is not None and byline(nxt) and all(k in (None, "front_matter") for k in ctx.kinds[:i]):
        return 0  # "The Cold Case / by baker_street_irregular" under an AO3 header: its title block
    starts_chapter = nxt is not None and _is_heading_line(nxt.text)
    return 1 if starts_chapter or ctx.prev_kind(i) in (None, "front_matter", "note") else 0


# ---- epigraphs

ATTRIBUTION_DASH = lazyre.compile(r"^\s*(?:[-–—―~]+|\(\s*)\s*(?P<who>[^\s-].{0,90}?)\s*[~)]*\s*$")
ATTRIBUTION_SONG_BY = lazyre.compile(
    r"""^\s*(?:[~*-]\s*)?(?:["“'‘].{1,70}?["”'’]|\S.{0,60}?)\s*(?:,\s*|\s+)(?:by|from)\s+\S.{0,60}$
        |^\s*(?:lyrics|words|song|music|poem|quote)\s*(?:by|from|:|-)\s*\S.{0,80}$""",
    re.IGNORECASE | re.VERBOSE,
)
ATTRIBUTION_TITLE_ARTIST = lazyre.compile(
    r"^\s*[~*]?\s*[\"“'‘]?[A-Z][^.!?]{0,50}?[\"”'’]?\s*[-–—,]\s*[A-Z][^.!?]{0,40}[~*]?\s*$"
    r"|^\s*[~*]?\s*[\"“][A-Z][^\"”]{0,50}?,[\"”]\s+[A-Z][^.!?]{0,40}[~*]?\s*$"  # "Lantern Song," The Hollow Brides
)


ONE_WORD_LINES = frozenset(
    "nothing nobody no yes never always silence later run again please okay ok fine good sorry why what how maybe "
    "someday tomorrow today now then here there home gone done enough stop wait listen breathe everything everyone "
    "nowhere somewhere alone together forever goodbye hello thanks".split()
)
"""Words that stand alone as a line of the story, never as the name under a quotation."""


def attribution(line: str, *, closing_a_quote: bool = False) -> bool:
    """Whether ``line`` credits a quotation: "— Shakespeare", "'Song' by Artist", "Jon McLaughlin".

    ``closing_a_quote``: the line ends a block of verse or a blockquote, where a
    dash-led line of a few words is a credit even in lower case ("— old proverb").
    """
    text = line.strip()
    if END_MARKER.match(text):
        return False  # "-TBC-" ends the chapter; it credits no one
    if closing_a_quote and SONG_CREDIT.match(text) or SONG_CREDIT.match(text) and re.search(r"\bby\s+\S", text, re.IGNORECASE):
        return True  # "lyrics: hallway light by june & the lanterns", in lower case as often as not
    if closing_a_quote and DASH_LED.match(text) and 0 < len(text.split()) <= 13 and not text.endswith(("?", "!")):
        return True
    if closing_a_quote and re.fullmatch(r"[^,.!?;:]{3,40},\s+[\"“'‘]?[A-Z][^.!?;]{1,60}", text):
        poet, work = text.split(",", 1)
        if _name_like(poet, 4) and len(poet.split()) >= 2 and len(work.split()) <= 8:
            return True  # "Elizabeth Barrett Browning, Sonnets from the Portuguese": the poet and the work
    if text.strip(".!?…").lower() in ONE_WORD_LINES:
        return False  # "Nothing." answers a question; it credits no one
    if not text or len(text) > 100 or _is_heading_line(text) or header_key(text) or END_MARKER.match(text):
        return False
    dash = ATTRIBUTION_DASH.match(text)
    if dash and re.match(r"^[-–—―~(]", text):
        who = re.sub(r"^from\s+(?:the\s+)?", "", dash.group("who").rstrip("~). "), flags=re.IGNORECASE)
        return _name_like(who.split(",")[0], 7) or bool(re.match(r"[\"“'‘A-Z]", who)) and len(who.split()) <= 10
    if ATTRIBUTION_SONG_BY.match(text):
        parts = re.split(r"\bby\b", text, flags=re.IGNORECASE)
        tail = parts[-1] if len(parts) > 1 else re.split(r"\bfrom\b|:|-", text, maxsplit=1, flags=re.IGNORECASE)[-1]
        return _name_like(tail.split(",")[0].strip(" ~*\"”'’"), 7) or bool(re.fullmatch(r"\s*[\w.@-]+\s*", tail))
    if ATTRIBUTION_TITLE_ARTIST.match(text) and _name_like(re.split(r"[-–—,]", text)[-1].strip(" ~*\"”'’"), 5):
        return True
    if re.fullmatch(r"[~*]?\s*[\"“'‘]?[^\"”'’]{1,60}[\"”'’]?\s*[-–—,]\s*(?:traditional|trad\.|anon(?:ymous)?|unknown|folk\s+song)\s*[~*]?", text, re.IGNORECASE):
        return True
    return _name_like(text, 5)


VERSE_MAX = 90


DASH_LED = lazyre.compile(r"^\s*[-–—―]")
SALUTATION = lazyre.compile(r"^\s*(?:(?:my\s+)?(?:dear(?:est)?|darling)\s+)?[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,2},\s*$")
QUOTE_MARK = lazyre.compile(r"^\s*>\s?")


def unquote(line: str) -> str:
    """A Markdown blockquote line without its ``>`` marker."""
    return QUOTE_MARK.sub("", line, count=1)


def _verse_like(line: str, *, credited: bool = False) -> bool:
    """A line that could be verse; ``credited``: its block ends in a credit, so a line may hold two sentences."""
    text = unquote(line).strip()
    if QUOTE_MARK.match(line) and not text:
        return True  # the empty ">" line inside a Markdown blockquote
    if text.startswith(("♪", "♫", "♬")):
        return True  # sung
    if re.match(r"^\S{1,24}:\s+\S", text) and not re.match(r"^(?:chorus|verse|bridge|refrain)\b", text, re.I):
        return False  # "Kirishima: yeah that was denki" is a chat log or a script, not verse
    return (
        0 < len(text) <= VERSE_MAX
        and not _is_heading_line(text)
        and not header_key(text)
        and not DASH_LED.match(text)
        and not SALUTATION.match(text)
        and not (DATE_WORDS.search(text) and re.search(r"\d", text))
        and not (len(text) > 40 and not credited and re.search(r"\w[.!?]\s+[A-Z]", text))  # two sentences: prose
    )


def _story_follows(ctx: Context, j: int) -> bool:
    """An epigraph stands before something: not at the end, a heading, or more dash-led dialogue."""
    if j >= len(ctx.chunks):
        return False
    nxt = ctx.chunks[j]
    return not (END_MARKER.match(nxt.text) or (DASH_LED.match(nxt.text) and len(nxt.text) < 120))


INLINE_CREDIT = lazyre.compile(r"^\s*[\"“].{10,250}[\"”]\s*[-–—―~]+\s*(?P<who>[^-–—~].{1,80})$")


SONG_CREDIT = lazyre.compile(
    r"^\s*[~*_\[(-]*\s*(?:song|lyrics|music|soundtrack|song\s+used|title\s+from)\s*:\s*\S.{0,120}$"
    r"|^\s*[~*_\[(-]*\s*(?:song|lyrics)\s*[:-]?\s*[\"“'‘][^\"”'’]{1,80}[\"”'’]\s*(?:by|[-–—])\s+\S.{0,60}$",
    re.IGNORECASE,
)


def credit_first(ctx: Context, i: int) -> int:
    """Song: "Paper Lanterns" by The Halcyon Days / Paper lanterns on the water | carry every name we knew / It rained."""
    first = ctx.chunks[i]
    if len(first.lines) != 1 or not SONG_CREDIT.match(first.text):
        return 0
    end = i + 1
    while end < len(ctx.chunks) and end - i <= 24:
        chunk = ctx.chunks[end]
        if chunk.joined or symbol_line(chunk) or _is_heading_line(chunk.text) or note_label(chunk):
            break
        if not all(len(line.strip()) <= 70 and not _sentence_like(line) for line in chunk.lines):
            break
        end += 1
    # the lyrics run to the last short chunk that still has the story after it
    for stop in range(end, i + 1, -1):
        if sum(len(c.lines) for c in ctx.chunks[i + 1 : stop]) >= 2 and _story_follows(ctx, stop):
            return stop - i
    return 0


def epigraph(ctx: Context, i: int) -> int:
    """So close, so close / And still so far / Jon McLaughlin / He sat at his desk and waited for the phone."""
    first = ctx.chunks[i]
    credit = INLINE_CREDIT.match(first.text) if len(first.lines) == 1 else None
    who = credit.group("who").strip() if credit else ""
    if credit and (who[:1].isupper() or len(who.split()) <= 6 and not re.search(r"[.!?]", who)) and len(who.split()) <= 10 and not credit.group("who").rstrip().endswith(("?", "!")) and _story_follows(ctx, i + 1):
        return 1
    best = 0
    lines = 0
    for j in range(i, min(len(ctx.chunks), i + 30)):
        chunk = ctx.chunks[j]
        if symbol_line(chunk) or decorated_break(chunk) or note_label(chunk) or _is_heading_line(chunk.text):
            break
        blockquote = all(QUOTE_MARK.match(ln) for ln in chunk.lines)
        if chunk.joined and not blockquote:
            break  # hard-wrapped prose is never verse
        body = tuple(unquote(ln) for ln in chunk.lines)
        closing = lines >= 1 and bool(DASH_LED.match(body[0]))  # a dash-led line under a quotation credits it
        if j > i and len(body) == 1 and attribution(body[0], closing_a_quote=closing) and (lines >= 2 or DASH_LED.match(body[0]) or not _name_like(body[0])):
            if _story_follows(ctx, j + 1):
                best = j - i + 1
            if DASH_LED.match(body[0]) or ctx.chunks[j].line == ctx.chunks[j - 1].last_line + 1:
                break
            continue
        nxt = ctx.chunks[j + 1] if j + 1 < len(ctx.chunks) else None
        credit_next = nxt is not None and len(nxt.lines) == 1 and DASH_LED.match(unquote(nxt.text)) and attribution(unquote(nxt.text))
        credited_verse = DASH_LED.match(body[-1]) is not None and all(0 < len(unquote(ln).strip()) <= VERSE_MAX for ln in chunk.lines[:-1])
        if (
            len(body) > 1
            and attribution(body[-1], closing_a_quote=True)
            and (all(_verse_like(ln, credited=True) for ln in chunk.lines[:-1]) or credited_verse)
            and not credit_next
        ):
            if _story_follows(ctx, j + 1):
                best = j - i + 1
            break
        quoted = len(body) == 1 and len(body[0]) <= 300 and bool(re.match(r"^\s*[\"“'‘].+[\"”'’]\s*$", body[0]))
        quoted = quoted or blockquote and len(chunk.text) <= 400
        # one long quotation directly above its dash-led attribution
        credited = (
            len(body) == 1 and len(body[0]) <= 300 and j + 1 < len(ctx.chunks) and ctx.chunks[j + 1].line == chunk.last_line + 1
            and DASH_LED.match(ctx.chunks[j + 1].text) is not None and attribution(ctx.chunks[j + 1].text, closing_a_quote=True)
        )
        if not (all(_verse_like(ln) for ln in chunk.lines) or (quoted or credited) and lines == 0):
            break
        lines += len(body)
    if best and _title_block(ctx, i, best):
        return 0
    return best


def _title_block(ctx: Context, i: int, count: int) -> bool:
    """Lines at the top of the file that name the story, its author or its site are not an epigraph.

    Example: "FictionAlley.org > Harry Potter > The Weight of Small Things / The Weight of Small Things / by Bramblewick".
    """
    if any(kind not in (None, "front_matter") for kind in ctx.kinds[:i]):
        return False
    lines = [ln for c in ctx.chunks[i : i + count] for ln in c.lines]
    if any(byline_name(ln) or ARCHIVE.search(ln) or header_key(ln) or " | " in ln or META_SIGNAL.search(ln) for ln in lines):
        return True  # a byline, a site, a field, a handle or a word count: the story's particulars
    if len(lines) >= 2 and DASH_LED.match(unquote(lines[-1])):
        return False  # "No mourners. / No funerals. / — the Dregs": short lines, but credited
    # a page's furniture is words in ones and twos ("Capítulos 8", "Sep 19, 2019"); verse has lines
    return 2 * sum(len(ln.split()) <= 2 for ln in lines) > len(lines)


# ---- end matter

END_MARKER = lazyre.compile(
    r"""^\s*[\[(（*~=_—–―-]*\s*(?:tbc|t\.b\.c|to\s+be\s+continued|continued\s+in\s+.{1,60}|the\s+end|fin|finis|finite|end|owari
        |end\s+of\s+(?:chapter|part|story|book)\s*[\w ]{0,20}|end\s+(?:chapter|part)\s*\w*|the\s+end\s+for\s+now
        |(?:to\s+be\s+)?continued(?:\s+in\s+.{1,60})?|complete|completed?|\(?the\s+end\)?
        |continuar[áa]|contin[uú]a(?:r[áa])?|[àa]\s+suivre|fortsetzung\s+folgt|fine|continua|fim|ende|конец|продолжение\s+следует|koniec|einde|wordt\s+vervolgd|ciąg\s+dalszy\s+nastąpi|continuerà|fortsättning\s+följer|devam\s+edecek|c[ôo]n\s+ti[ếe]p|end\s+(?:of\s+)?part\s*[\w/]*
        |tbc\s+in\s+.{1,40}|-30-|to\s+be\s+continu(?:e|ed)?|end\s+(?:of\s+)?file|end\s+of\s+(?:act|teaser|scene|episode|book|volume)(?:\s+[\w/]{1,12})?|to\s+be\s+continued\b.{0,40}|了|完|終わり|おわり|see\s+you\s+space\s+cowboy)\s*[.!?…\])）*~=_—–―-]*
        (?:\s*\([^()]{0,30}\))?\s*[.!?…*~=_—–―-]*(?:\s*[^\w\s]{1,4})?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
GUTENBERG_END = lazyre.compile(
    r"end\s+of\s+(?:the\s+|this\s+)?project\s+gutenberg|^\s*\*{3}\s*end\s+of\s+(?:the|this)\s+.{1,120}\*{3}", re.IGNORECASE
)
LICENCE = lazyre.compile(
    r"licen[cs]ed\s+under|creative\s+commons|all\s+rights\s+reserved|end\s+of\s+(?:the\s+)?project\s+gutenberg"
    r"|copyright\s+(?:©|\(c\)|\d{4})|©\s*\d{4}|\(c\)\s*\d{4}|do\s+not\s+(?:repost|copy|archive)|may\s+not\s+be\s+reproduced"
    r"|unsubscribe|mailing\s+list|list\s+archives?|\b(?:fiction|fic)\s+list\b|majordomo|listserv|egroups|onelist\.com|topica\.com|groups\.google|googlegroups|yahoo!?\s*groups|groups\.yahoo"
    r"|drop\s+by\s+the\s+archive\s+and\s+comment|distributed\s+under\s+the\s+terms|downloaded\s+from\s+archiveofourown|(?:you\s+are\s+)?free\s+to\s+(?:share|distribute|archive|repost)\b",
    re.IGNORECASE,
)


def end_marker(chunk: Chunk) -> bool:
    """It rained all day. / tbc. | end part 1/3 / continued in part 2"""
    return len(chunk.lines) <= 3 and all(END_MARKER.match(line) for line in chunk.lines)


def licence_block(chunk: Chunk) -> bool:
    """It rained. / This work is licensed under a Creative Commons Attribution 4.0 licence."""
    return bool(LICENCE.search(chunk.text))


# ---------------------------------------------------------------- the order

RULES: tuple[Rule, ...] = (
    Rule("yaml_fence", "front_matter", "file_head", yaml_fence),
    Rule("yaml_field", "front_matter", "file_head", yaml_field),
    Rule("gutenberg_header", "front_matter", "file_head", gutenberg_header),
    Rule("archive_header", "front_matter", "file_head", _one(archive_header)),
    Rule("quoted_note", "note", "file_head", _one(quoted_note)),
    Rule("quoted_post", "front_matter", "file_head", quoted_post),
    Rule("spaced_label", "front_matter", "file_head", spaced_label),
    Rule("header_field", "front_matter", "head", _one(header_field)),
    Rule("header_continuation", "front_matter", "head", header_continuation),
    Rule("reader_key", "front_matter", "head", _one(reader_key)),
    Rule("keyword_fields", "front_matter", "head", keyword_fields),
    Rule("label_note", "note", "any", label_note),
    Rule("note_label", "note", "any", _one(note_label)),
    Rule("afterword_label", "note", "any", afterword_label),
    Rule("labelled_block", "note", "any", _one(labelled_block)),
    Rule("symbol_line", "scene_break", "any", _one(symbol_line)),
    Rule("decorated_break", "scene_break", "any", _one(decorated_break)),
    Rule("centred_ornament", "scene_break", "any", _one(centred_ornament)),
    Rule("lone_x", "scene_break", "any", lone_x),
    Rule("table_of_contents", "front_matter", "file_head", table_of_contents),
    Rule("chapter_heading", "heading", "any", _one(chapter_heading)),
    Rule("named_heading", "heading", "any", _one(named_heading)),
    Rule("numbered_heading", "heading", "any", _one(numbered_heading)),
    Rule("roman_one", "heading", "any", roman_one),
    Rule("markdown_title", "front_matter", "file_head", markdown_title),
    Rule("markdown_heading", "heading", "any", _one(markdown_heading)),
    Rule("pov_heading", "heading", "any", _one(pov_heading)),
    Rule("titled_heading", "heading", "any", _one(titled_heading)),
    Rule("pov_name", "heading", "any", pov_name),
    Rule("decorated_words", "scene_break", "any", _one(decorated_words)),
    Rule("header_block", "front_matter", "any", header_block),
    Rule("chapter_summary", "front_matter", "head", chapter_summary),
    Rule("chapter_dedication", "front_matter", "head", chapter_dedication),
    Rule("chapter_particulars", "front_matter", "head", chapter_particulars),
    Rule("media_pointer", "note", "head", _one(media_pointer)),
    Rule("heading_title", "heading", "any", heading_title),
    Rule("part_title", "heading", "head", _one(part_title)),
    Rule("repeated_title", "heading", "any", repeated_title),
    Rule("title_line", "front_matter", "file_head", title_line),
    Rule("byline", "front_matter", "file_head", _one(byline)),
    Rule("centred_block", "front_matter", "file_head", _one(centred_block)),
    Rule("bare_label", "front_matter", "file_head", bare_label),
    Rule("header_sandwich", "front_matter", "file_head", header_sandwich),
    Rule("header_preface", "front_matter", "file_head", header_preface),
    Rule("dedication_line", "front_matter", "file_head", dedication_line),
    Rule("pairing_title", "heading", "file_head", pairing_title),
    Rule("disclaimer_text", "front_matter", "file_head", disclaimer_text),
    Rule("head_block", "front_matter", "file_head", head_block),
    Rule("credit_first", "epigraph", "section_head", credit_first),
    Rule("note_continuation", "note", "head", note_continuation),
    Rule("note_signature", "note", "head", note_signature),
    Rule("epigraph", "epigraph", "section_head", epigraph),
    Rule("chatty_preamble", "note", "head", chatty_preamble),
    Rule("end_marker", "end_matter", "tail", _one(end_marker)),
    Rule("archive_chrome", "end_matter", "tail", _one(archive_chrome)),
    Rule("licence_block", "end_matter", "tail", _one(licence_block)),
    Rule("tail_disclaimer", "front_matter", "tail", tail_disclaimer),
    Rule("closing_disclaimer", "end_matter", "tail", closing_disclaimer),
    Rule("closing_chatter", "note", "tail", _one(closing_chatter)),
    Rule("signature", "note", "tail", _one(signature)),
    Rule("sign_off_name", "note", "tail", sign_off_name),
    Rule("review_reply", "note", "tail", review_reply),
    Rule("bracketed_aside", "note", "tail", _one(bracketed_aside)),
)
"""Every rule, in the order they are tried; the first that matches wins."""
