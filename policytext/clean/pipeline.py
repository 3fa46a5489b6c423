"""The cleaner: chains the pure steps over the pages of a document and keeps page offsets.

``clean_pages`` is what ingestion calls. It cleans each page, joins the pages (a
sentence that runs over a page break is joined back), converts traditional
characters, and returns the clean text with the offsets of every page. The text
before conversion is kept too, with the same length, so that any span can be shown
as the document wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce

from policytext.clean import resources as R
from policytext.clean.normalize import (
    _is_heading,
    _joins,
    normalize_chars,
    normalize_punctuation,
    normalize_whitespace,
    reflow,
    to_simplified,
)
from policytext.types import Page

Step = Callable[[str], str]

DEFAULT_STEPS: tuple[Step, ...] = (
    normalize_chars,
    normalize_punctuation,
    normalize_whitespace,
    reflow,
    normalize_punctuation,
    normalize_whitespace,
)
NO_REFLOW_STEPS: tuple[Step, ...] = (normalize_chars, normalize_punctuation, normalize_whitespace)


def make_cleaner(*steps: Step) -> Step:
    """Chain ``str -> str`` steps left to right into one function."""

    def cleaner(text: str) -> str:
        return reduce(lambda acc, step: step(acc), steps, text)

    return cleaner


_default = make_cleaner(*DEFAULT_STEPS)
_no_reflow = make_cleaner(*NO_REFLOW_STEPS)


def clean_text(text: str, *, reflow_lines: bool = True) -> str:
    """Clean one text (no page structure). Idempotent; keeps every Han character."""
    return to_simplified((_default if reflow_lines else _no_reflow)(text))


@dataclass
class CleanText:
    """The result of cleaning: simplified text, the text before conversion, page offsets."""

    text: str
    original_text: str
    pages: list[Page] = field(default_factory=list)
    converted: bool = False


def _continues(prev: str, nxt: str) -> bool:
    """Whether the last line of one page runs on into the first line of the next."""
    last = prev.rsplit("\n", 1)[-1]
    first = nxt.split("\n", 1)[0]
    if not last or not first or R.CELL_SEP in last or R.CELL_SEP in first:
        return False  # a table row stands alone
    return (
        not R.ENDS_SENTENCE_RE.search(last)
        and not _is_heading(last)
        and not _is_heading(first)
        and len(last) >= 12
    )


def clean_pages(
    pages: Sequence[str], *, paged: bool = True, reflow_lines: bool = True, first_page: int = 1
) -> CleanText:
    """Clean the pages of a document into one text with page offsets.

    Args:
        pages: the text of each page in reading order (one item for unpaged formats).
        paged: whether the pages are real pages (PDF); when False, no Page records are made.
        reflow_lines: re-join hard-wrapped lines (off for readers that already did it).
        first_page: the number of ``pages[0]`` in the file (a PDF read by page range).

    Returns:
        CleanText with ``text`` (simplified), ``original_text`` (same length, before
        traditional -> simplified conversion) and ``pages`` numbered from ``first_page``.
    """
    cleaner = _default if reflow_lines else _no_reflow
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    for number, raw in enumerate(pages, start=first_page):
        page_text = cleaner(raw)
        if parts and page_text:
            if _continues(parts[-1], page_text):
                joined = _joins(parts[-1][-1:], page_text[:1])
                sep = " " if len(joined) == 3 else ""
            else:
                sep = "\n"
            parts.append(sep)
            pos += len(sep)
        start = pos
        parts.append(page_text)
        pos += len(page_text)
        spans.append((number, start, pos))
    original = "".join(parts)
    text = to_simplified(original)
    page_records = [Page(n, s, e) for n, s, e in spans] if paged else []
    return CleanText(text=text, original_text=original, pages=page_records, converted=text != original)
