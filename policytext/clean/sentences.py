"""Sentence splitting with character offsets.

Sentences end at 。！？!? (with any closing quotes or brackets after them) and at line ends; a heading
is a sentence of its own, and so is a table row (a line whose cells are apart by
:data:`~policytext.clean.resources.CELL_SEP`), whatever its cells hold. Semicolons do not end a
sentence (the gold annotations of the project keep 一是……；二是…… together).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policytext.clean.resources import CELL_SEP, HAN_RE, TERMINAL, TERMINAL_TAIL
from policytext.types import Page, Sentence

_END_RE = re.compile(f"[{TERMINAL}]+[{TERMINAL_TAIL}]*|\n")
_WORDY_RE = re.compile(r"[\w]")


def split_sentences(text: str, pages: Sequence[Page] = (), *, max_len: int = 2000) -> list[Sentence]:
    """Split clean text into sentences with ``[start, end)`` offsets and page numbers.

    Args:
        text: clean text (paragraphs one per line).
        pages: page offsets; when given, each sentence gets the page of its first character.
        max_len: sentences longer than this are cut at a semicolon or comma, or at
            ``max_len`` characters (guards against texts without punctuation).

    Returns:
        Sentences in text order; ``text[s.start:s.end] == s.text`` always holds.
    """
    out: list[Sentence] = []
    page_iter = list(pages)
    pi = 0

    def add(start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start or not _WORDY_RE.search(text, start, end):
            return
        while end - start > max_len:
            cut = _find_cut(text, start, max_len)
            emit(start, cut)
            start = cut
            while start < end and text[start].isspace():
                start += 1
        emit(start, end)

    def emit(start: int, end: int) -> None:
        nonlocal pi
        if end <= start:
            return
        page = None
        if page_iter:
            while pi + 1 < len(page_iter) and start >= page_iter[pi].end:
                pi += 1
            page = page_iter[pi].number
        out.append(Sentence(index=len(out), start=start, end=end, text=text[start:end], page=page))

    rows = _row_spans(text) if CELL_SEP in text else []
    ri = 0
    pos = 0
    for m in _END_RE.finditer(text):
        if rows and m.group() != "\n":
            while ri < len(rows) and rows[ri][1] <= m.start():
                ri += 1
            if ri < len(rows) and rows[ri][0] <= m.start():
                continue  # a table row is one sentence: it ends at its line end only
        end = m.start() if m.group() == "\n" else m.end()
        add(pos, end)
        pos = m.end()
    add(pos, len(text))
    return out


def _row_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line that holds a cell separator (a table row), in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if CELL_SEP in line:
            spans.append((start, end))
        start = end + 1
    return spans


def _find_cut(text: str, start: int, max_len: int) -> int:
    """Where to cut an over-long sentence: after the last semicolon or comma within
    ``max_len`` characters (from its second half), else exactly at ``max_len``."""
    limit = start + max_len
    for marks in ("；;", "，,、"):
        i = max(text.rfind(m, start + max_len // 2, limit) for m in marks)
        if i != -1:
            return i + 1
    return limit


def has_han(text: str) -> bool:
    """Whether the text holds at least one Han character."""
    return HAN_RE.search(text) is not None


def line_starts(text: str, sentences: Sequence[Sentence]) -> list[int]:
    """The offset of the line (paragraph) each sentence stands in, found in one pass.

    Sentences are in text order, so each search only scans the text since the previous
    sentence: linear even for a megabyte-long line of many sentences.
    """
    out: list[int] = []
    start, scanned = 0, 0
    for s in sentences:
        nl = text.rfind("\n", scanned, s.start)
        if nl != -1:
            start = nl + 1
        scanned = s.start
        out.append(start)
    return out
