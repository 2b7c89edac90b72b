"""Inline emphasis written with asterisks and underscores: ``*word*``, ``_word_``, ``**word**``.

Only unambiguous marks count: the mark must hug a word on the inside and
stand apart from letters and digits on the outside, so ``snake_case_name``,
``2*3*4``, ``5 * 3`` and e-mail addresses stay as written; URLs are left alone.
"""

from __future__ import annotations

import re

from .. import lazyre
from ..model import Span, Text

URL = lazyre.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
EMPHASIS = lazyre.compile(
    r"""(?<![\w*])\*\*(?=[^\s*])(?P<strong>[^*\n]+?)(?<=[^\s*])\*\*(?![\w*])
      |(?<![\w*])\*(?=[^\s*])(?P<star>[^*\n]+?)(?<=[^\s*])\*(?![\w*])
      |(?<![\w_])_(?=[^\s_])(?P<under>[^_\n]+?)(?<=[^\s_])_(?![\w_])""",
    re.VERBOSE,
)


def parse_inline(text: str) -> Text:
    """Plain text → spans, with emphasis marks turned into styles and removed.

    >>> [(s.text, s.style) for s in parse_inline("She was *so* tired")]
    [('She was ', ''), ('so', 'em'), (' tired', '')]
    """
    if "*" not in text and "_" not in text:
        return (Span(text),) if text else ()
    protected = [(m.start(), m.end()) for m in URL.finditer(text)]
    spans: list[Span] = []
    pos = 0
    for match in EMPHASIS.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in protected):
            continue
        if match.start() > pos:
            spans.append(Span(text[pos : match.start()]))
        if match.group("strong") is not None:
            spans.append(Span(match.group("strong"), "strong"))
        else:
            spans.append(Span(match.group("star") or match.group("under"), "em"))
        pos = match.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    return tuple(spans)
