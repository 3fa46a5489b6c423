"""Excel writers compared on the same data: xlsxwriter (what ``export --format xlsx`` uses) and openpyxl.

Usage::

    python benchmarks/excel_writers.py corpus.db [--repeat 3]

Builds the export's three tables (documents, mentions, sentences, typed dates) once, then writes
the same workbook with each writer: the same cells (text as text, numbers as numbers, dates as
dates), a bold frozen header, an autofilter and fitted column widths. Each writer runs in a fresh
child process so that its peak memory is its own. Prints wall and CPU seconds (best of
``--repeat``), peak resident memory (and how much the writing added) and file size per writer,
and checks that both files hold the same cell values.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WRITERS = ("xlsxwriter", "openpyxl")


def frames(db: str) -> list[tuple[str, Any]]:
    """The export's sheets for ``db`` (as ``export --format xlsx`` writes them)."""
    from policytext.export import document_table, mention_table, sentence_table
    from policytext.export.codebook import type_table, with_typed_dates

    return [
        ("documents", with_typed_dates(document_table(db))),
        ("mentions", with_typed_dates(mention_table(db))),
        ("sentences", with_typed_dates(sentence_table(db))),
        ("types 类型", type_table()),
    ]


def write_openpyxl(sheets: list[tuple[str, Any]], path: Path) -> None:
    """The same workbook as :func:`policytext.export.tables.xlsx_bytes`, written by openpyxl
    (write-only mode, its fastest)."""
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from policytext.export.tables import _display_width, _excel_cell

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, df in sheets:
        ws = wb.create_sheet(title[:31])
        cols = [str(c) for c in df.columns]
        widths = [_display_width(c) + 2 for c in cols]
        dates = [pd.api.types.is_datetime64_any_dtype(df[c].dtype) for c in df.columns]
        rows = []
        for i, row in enumerate(df.itertuples(index=False, name=None), start=1):
            out: list[Any] = []
            for j, v in enumerate(row):
                if dates[j]:
                    out.append(None if pd.isna(v) else v.to_pydatetime())
                    continue
                cell = _excel_cell(v)
                out.append(cell)
                if cell is not None and i <= 500:
                    widths[j] = max(widths[j], _display_width(cell) + 1)
            rows.append(out)
        for j, w in enumerate(widths, start=1):  # write-only sheets take widths before rows
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, w))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(cols), 1))}{max(len(df), 1) + 1}"
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for out in rows:
            ws.append(out)
    wb.save(path)


def child(writer: str, data: Path, out: Path) -> None:
    """Write the workbook once with ``writer``; print seconds and peak memory as JSON."""
    import resource

    sheets = pickle.loads(data.read_bytes())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, cpu = time.perf_counter(), time.process_time()
    if writer == "xlsxwriter":
        from policytext.export.tables import xlsx_bytes

        out.write_bytes(xlsx_bytes(sheets))
    else:
        write_openpyxl(sheets, out)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "added_mb": peak - before}))


def cell_values(path: Path) -> list[list[tuple[Any, ...]]]:
    """Every sheet's cell values, read back by openpyxl."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return [[tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def main() -> None:
    """Time both writers on one store's export tables."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("db", help="a store written by policytext ingest")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    sheets = frames(args.db)
    rows = {t: len(df) for t, df in sheets}
    cells = sum(len(df) * len(df.columns) for _, df in sheets)
    print(f"store: {args.db}; rows {rows}; {cells:,} cells")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sheets.pickle"
        data.write_bytes(pickle.dumps(sheets))
        files = {}
        for writer in WRITERS:
            runs = []
            out = Path(tmp) / f"{writer}.xlsx"
            for _ in range(args.repeat):
                proc = subprocess.run(
                    [sys.executable, __file__, args.db, "--child", writer, str(data), str(out)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            best = min(r["seconds"] for r in runs)
            cpu = min(r["cpu"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            added = max(r["added_mb"] for r in runs)
            files[writer] = out
            print(
                f"{writer:>10}: {best:6.2f} s wall, {cpu:6.2f} s CPU (best of {args.repeat}), "
                f"peak memory {peak:6.0f} MB ({added:+.0f} MB while writing), "
                f"file {out.stat().st_size / 1e6:.1f} MB"
            )
        a, b = cell_values(files["xlsxwriter"]), cell_values(files["openpyxl"])
        diff = [
            (k, i, x, y)
            for k, (sa, sb) in enumerate(zip(a, b))
            for i, (x, y) in enumerate(zip(sa, sb))
            if x != y
        ]
        print(f"same cell values in both files: {not diff and [len(s) for s in a] == [len(s) for s in b]}")
        for k, i, x, y in diff[:3]:
            print(f"  sheet {k} row {i}: {x} != {y}")


if __name__ == "__main__":
    main()
