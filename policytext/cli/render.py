"""A streaming text table for the read commands: linear in the text it prints.

``rich.table.Table`` measures and lays out every cell through several layers of objects
(about 10 ms a row of eleven columns), which makes a table of tens of thousands of mentions
take minutes. Here column widths are computed once from the plain strings (wide CJK
characters count two cells), long columns are folded and short ones cut with an ellipsis,
and rows are written in pages as they are laid out, with the box characters rich uses.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TextIO

#: At most this many cells for a column that is cut rather than folded.
SHORT_MAX = 40
#: At least this many cells for a folded column.
LONG_MIN = 12
#: Rows laid out and written at a time.
PAGE = 500

# East Asian wide and full-width characters (two cells on a terminal), as ``wcwidth`` counts them.
_WIDE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60"
    "\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)
_NARROW = re.compile(_WIDE.pattern.replace("[", "[^", 1))

_BOLD, _RED_BOLD, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"


@dataclass(frozen=True)
class Column:
    """A table column: its header, and whether long values fold (with their share of the width)."""

    name: str
    fold: bool = False
    ratio: int = 1


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes: two per wide (CJK) character, one per other character."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def _cell_offsets(text: str) -> list[int]:
    """Cumulative cells before each character of ``text`` (and after the last)."""
    if text.isascii():
        return list(range(len(text) + 1))
    widths = _WIDE.sub("\x02", _NARROW.sub("\x01", text)).encode("latin-1")
    return list(accumulate(widths, initial=0))


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Cells per column so that the table fits ``width`` (short columns first, folded ones share the rest)."""
    widths = [0] * len(columns)
    for j, col in enumerate(columns):
        if not col.fold:
            longest = max((cell_len(r[j]) for r in rows), default=0)
            widths[j] = min(SHORT_MAX, max(cell_len(col.name), longest, 1))
    overhead = 3 * len(columns) + 1  # "│ " before each cell, " " after, the closing "│"
    folded = [j for j, col in enumerate(columns) if col.fold]
    if folded:
        free = max(0, width - overhead - sum(widths))
        total = sum(columns[j].ratio for j in folded)
        for j in folded:
            need = max((cell_len(r[j]) for r in rows), default=0)
            share = free * columns[j].ratio // total
            widths[j] = max(LONG_MIN, min(max(need, cell_len(columns[j].name)), share))
    return widths


def fold(text: str, width: int) -> list[tuple[int, int]]:
    """Character spans of ``text`` cut into lines of at most ``width`` cells (at least one span)."""
    offsets = _cell_offsets(text)
    spans = []
    start = 0
    while True:
        end = max(start + 1, bisect_right(offsets, offsets[start] + width) - 1)
        if end >= len(text):
            spans.append((start, len(text)))
            return spans
        spans.append((start, end))
        start = end


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in an ellipsis when it was cut."""
    if cell_len(text) <= width:
        return text
    offsets = _cell_offsets(text)
    return text[: bisect_right(offsets, width - 1) - 1] + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _styled(text: str, span: tuple[int, int], marked: tuple[int, int] | None, color: bool) -> str:
    """The part ``span`` of ``text``, the overlap with ``marked`` in bold red when ``color``."""
    a, b = span
    if not color or marked is None or marked[1] <= a or marked[0] >= b:
        return text[a:b]
    x, y = max(a, marked[0]), min(b, marked[1])
    return f"{text[a:x]}{_RED_BOLD}{text[x:y]}{_RESET}{text[y:b]}"


def write_table(
    out: TextIO,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    color: bool = False,
    marks: Sequence[tuple[int, tuple[int, int]] | None] | None = None,
    title: str | None = None,
) -> None:
    """Write ``rows`` (strings, one per column) as a boxed table, a page of rows at a time.

    Args:
        width: the cells a line may take (the terminal's width, or 200 for a file or pipe).
        color: write ANSI styles (bold header, marked spans in bold red).
        marks: per row, a (column index, (start, end)) character span to mark, or None.
    """
    widths = column_widths(columns, rows, width)
    total = sum(widths) + 3 * len(widths) + 1
    lines: list[str] = []
    if title:
        lines.append(" " * max(0, (total - cell_len(title)) // 2) + title)
    lines.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    head = [_pad(cut(c.name, w), w) for c, w in zip(columns, widths)]
    if color:
        head = [f"{_BOLD}{h}{_RESET}" for h in head]
    lines.append("┃ " + " ┃ ".join(head) + " ┃")
    lines.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    out.write("\n".join(lines) + "\n")
    lines = []
    for n, row in enumerate(rows):
        mark = marks[n] if marks is not None else None
        cells: list[list[str]] = []
        for j, (col, w) in enumerate(zip(columns, widths)):
            value = row[j]
            if col.fold:
                marked = mark[1] if mark is not None and mark[0] == j else None
                cells.append(
                    [
                        _styled(value, s, marked, color) + " " * (w - cell_len(value[s[0] : s[1]]))
                        for s in fold(value, w)
                    ]
                )
            else:
                cells.append([_pad(cut(value, w), w)])
        height = max(len(c) for c in cells)
        for k in range(height):
            parts = [c[k] if k < len(c) else " " * w for c, w in zip(cells, widths)]
            lines.append("│ " + " │ ".join(parts) + " │")
        if len(lines) >= PAGE:
            out.write("\n".join(lines) + "\n")
            lines = []
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    out.write("\n".join(lines) + "\n")
    out.flush()


def use_color(out: TextIO) -> bool:
    """Whether to write ANSI styles to ``out``: a terminal, and ``NO_COLOR`` unset."""
    return bool(getattr(out, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


_ONE_LINE = str.maketrans("\n\r\t\v\f", "     ")


def as_text(values: Iterable[object]) -> list[str]:
    """Cell strings of a row on one line each: None as empty, line breaks and tabs as spaces.

    One character for one, so character offsets into a value still hold.
    """
    return ["" if v is None else str(v).translate(_ONE_LINE) for v in values]
