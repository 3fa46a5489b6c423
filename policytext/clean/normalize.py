"""Pure ``str -> str`` cleaning steps (textacy style: keyword-only options, no state).

Each step is idempotent and never drops a Han character.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from typing import Any

from policytext.clean import resources as R
from policytext.clean.headings import CLEAN_HEADING_RE


def normalize_chars(text: str) -> str:
    """NFKC where safe: full-width ASCII to half-width, compatibility forms unfolded,
    control and zero-width characters removed; Chinese full-width punctuation kept.

    >>> normalize_chars("ＧＤＰ增长５％，好")
    'GDP增长5%，好'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = R.CONTROL_RE.sub("", text)
    if text.isascii():
        return text
    out = []
    protected, han_first, han_last = R.PROTECTED, R.HAN_BASIC_FIRST, R.HAN_BASIC_LAST
    for ch in text:
        if ch in protected or ch.isascii() or han_first <= ch <= han_last:
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


def normalize_punctuation(text: str) -> str:
    """Make punctuation consistent: half-width marks next to Chinese become full-width,
    parentheses around Chinese become （）, dashes between Han characters or digits become —.

    >>> normalize_punctuation("城市群,都市圈(试行)兰州-西宁")
    '城市群，都市圈（试行）兰州—西宁'
    """
    text = R.PAREN_RE.sub(lambda m: "（" + m.group(1) + "）", text)
    text = R.HALF_PUNCT_RE.sub(lambda m: R.HALF_TO_FULL[m.group(1) or m.group(2)], text)
    text = R.DASH_RE.sub("—", text)
    return text


def normalize_whitespace(text: str) -> str:
    """Collapse horizontal white space, drop spaces between CJK characters, trim lines,
    collapse runs of blank lines to one. A table row keeps its cell separators
    (:data:`~policytext.clean.resources.CELL_SEP`, a lone tab) between its cells.

    >>> normalize_whitespace("城 市 群  发展\\n\\n\\n  GDP 增长")
    '城市群发展\\n\\nGDP 增长'
    >>> normalize_whitespace("行政处罚\\t41\\t19  ")
    '行政处罚\\t41\\t19'
    """
    lines = []
    for line in text.split("\n"):
        if R.CELL_SEP in line:
            line = R.HSPACE_RE.sub(_space_or_cell, line).strip()
        else:
            line = R.HSPACE_RE.sub(" ", line).strip()
        line = R.CJK_SPACE_RE.sub("", line)
        line = R.CJK_DIGIT_SPACE_RE.sub("", line)
        lines.append(line)
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out)


def _space_or_cell(m: re.Match[str]) -> str:
    """A lone cell separator stays (a table row); any other run of white space is one space."""
    return R.CELL_SEP if m.group() == R.CELL_SEP else " "


def _is_heading(line: str) -> bool:
    """A numbered heading, chapter or article line, a bullet, or a short label line."""
    return bool(CLEAN_HEADING_RE.match(line)) and len(line) <= 40 and line[-1:] not in "，、,"


def _wrap_width(lines: list[str]) -> int | None:
    """The line width of a hard-wrapped text, or None when lines are paragraphs."""
    lengths = [len(x) for x in lines if len(x) >= 8]
    if len(lengths) < 6:
        return None
    mode = statistics.mode(lengths)
    near = sum(1 for n in lengths if abs(n - mode) <= 2)
    unterminated = sum(1 for x in lines if x and not R.ENDS_SENTENCE_RE.search(x))
    if near / len(lengths) >= 0.3 and unterminated / max(1, len(lines)) >= 0.2 and mode <= 90:
        return mode
    return None


def _joins(prev: str, nxt: str) -> str:
    """Join two wrapped pieces: no space between CJK, one space between Latin words."""
    if prev.endswith("-") and prev[-2:-1].isalpha() and nxt[:1].islower():
        return prev[:-1] + nxt
    if prev[-1:].isascii() and prev[-1:].isalnum() and nxt[:1].isascii() and nxt[:1].isalnum():
        return prev + " " + nxt
    if prev[-1:] in ",.;:" and nxt[:1].isascii() and nxt[:1].isalpha():
        return prev + " " + nxt
    return prev + nxt


def reflow(text: str) -> str:
    """Re-join hard-wrapped lines into paragraphs.

    A text counts as hard-wrapped when many lines share one width and do not end a
    sentence. Then a line of (nearly) full width that does not end a sentence is joined
    with the next one, across a single blank line too (some exports put a blank line
    after every wrapped line); headings stay on their own line. A text of one paragraph
    per line is returned unchanged.

    >>> wrapped = "城市群是城市发展的最高层次的空间组织形\\n式。"
    >>> wrapped += "作为资源要素的主要集聚地和协同创新\\n的最强承载体。"
    >>> reflow(wrapped * 3)[:30]
    '城市群是城市发展的最高层次的空间组织形式。作为资源要素的主要'
    """
    lines = text.split("\n")
    nonblank = [x for x in lines if x.strip()]
    width = _wrap_width(nonblank)
    if width is None:
        return text
    blank_interleaved = sum(1 for x in lines if not x.strip()) >= 0.6 * len(nonblank)
    out: list[str] = []
    pending_join = False
    for line in lines:
        if not line.strip():
            if pending_join and blank_interleaved:
                continue  # a blank line inside a wrapped paragraph
            pending_join = False
            out.append("")
            continue
        standalone = (len(line) < width // 2 and not R.ENDS_SENTENCE_RE.search(line)) or R.CELL_SEP in line
        if pending_join and out and not _is_heading(line) and not standalone:
            out[-1] = _joins(out[-1], line)
        else:
            out.append(line)
        pending_join = (
            len(line) >= width - 3
            and not R.ENDS_SENTENCE_RE.search(line)
            and not _is_heading(line)
            and R.CELL_SEP not in line
        )
    if blank_interleaved:
        out = [x for x in out if x]
    return "\n".join(out)


@functools.lru_cache(maxsize=2)
def _converter(config: str) -> Any:  # pragma: no cover - trivial
    import opencc

    return opencc.OpenCC(config)


def traditional_share(text: str) -> float:
    """Share of Han characters that change under traditional -> simplified conversion."""
    han = R.HAN_RE.findall(text[:20000])
    if not han:
        return 0.0
    sample = "".join(han)
    converted = _converter("t2s").convert(sample)
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return changed / len(han)


def to_simplified(text: str, *, threshold: float = 0.03) -> str:
    """Convert traditional characters to simplified (OpenCC ``t2s``) when the text is
    traditional; simplified text is returned unchanged (t2s would alter valid simplified
    characters such as 著). The result always has the same length as the input.

    >>> to_simplified("長三角城市羣一體化發展")
    '长三角城市群一体化发展'
    """
    if traditional_share(text) < threshold:
        return text
    conv = _converter("t2s")
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    # Phrase conversions changed the length: convert character by character instead,
    # so that offsets stay shared with the original text.
    return "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv.convert(ch)) for ch in text))
