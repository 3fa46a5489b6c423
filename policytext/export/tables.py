"""DataFrames → text and files: CSV, JSON, JSONL, Excel (xlsxwriter), Parquet (pyarrow) and Stata.

Writers are deterministic: the frame's row and column order is kept as given (callers sort),
JSON keys keep the column order, Excel files get fixed document properties and zip entry
times, and every file is written through a temporary file in the target folder, then renamed.

Cells that hold lists of strings become ``a; b`` in CSV, Excel and tables, JSON arrays in
JSON/JSONL and ``list<string>`` in Parquet; other nested values become JSON text. Integer
columns with missing values are nullable integers (``2008``, never ``2008.0``).

Text a spreadsheet would evaluate — a cell beginning with ``=``, ``+``, ``-`` or ``@``, also
after leading whitespace, or with a tab or carriage return — is prefixed with ``'`` in CSV and
Excel (:func:`neutralise`), and Excel text is always written as a text cell, never a formula.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import struct
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from policytext.errors import UsageError

#: Fixed time written into Excel properties and zip entries, so that the same store gives the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

_SAFE_NAME_RE = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff.\-]*$")


# ----------------------------------------------------------------------------- cell values


def plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA/NaT → None, tuples → lists,
    timestamps as ISO dates."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return plain(value.tolist())
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def flat(value: Any) -> Any:
    """A cell for CSV, Excel or a printed table: lists of "
    "strings joined with ``; ``, nested values as JSON."""
    v = plain(value)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "; ".join(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=isinstance(v, dict))
    if isinstance(v, bool):
        return int(v)
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, keys in column order."""
    cols = list(df.columns)
    return [{c: plain(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]


# ----------------------------------------------------------------------------- text formats


_FORMULA_RE = re.compile(r"^(?:[\t\r]|\s*[=+\-@])")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would evaluate as a formula, prefixed with ``'``; anything else as is.

    >>> neutralise("=HYPERLINK(1)"), neutralise("  +1"), neutralise("生态补偿"), neutralise(-1)
    ("'=HYPERLINK(1)", "'  +1", '生态补偿', -1)
    """
    if isinstance(value, str) and _FORMULA_RE.match(value):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    return neutralise(flat(value))


def to_csv(df: pd.DataFrame, *, bom: bool = False) -> str:
    """CSV text (UTF-8, ``\\n`` line ends, header row), cells a spreadsheet would evaluate
    neutralised; ``bom`` starts it with U+FEFF so that Excel reads it as UTF-8."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    if len(df):
        out = pd.DataFrame(
            {c: [_csv_cell(v) for v in df[c].tolist()] for c in df.columns}, columns=df.columns
        )
        for c in df.columns:
            if str(df[c].dtype) == "Int64" or pd.api.types.is_integer_dtype(df[c].dtype):
                out[c] = out[c].astype("Int64")
            elif pd.api.types.is_datetime64_any_dtype(df[c].dtype):
                out[c] = df[c].dt.strftime("%Y-%m-%d")
        out.to_csv(buf, index=False, lineterminator="\n")
    else:
        df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def to_json(df: pd.DataFrame) -> str:
    """A JSON array of row objects (Chinese kept as is)."""
    return json.dumps(records(df), ensure_ascii=False, indent=1) + "\n"


def to_jsonl(df: pd.DataFrame) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(df))


def format_frame(df: pd.DataFrame, fmt: str) -> str:
    """``df`` as ``csv``, ``json`` or ``jsonl`` text.

    Raises:
        UsageError: another format.
    """
    if fmt == "csv":
        return to_csv(df)
    if fmt == "json":
        return to_json(df)
    if fmt == "jsonl":
        return to_jsonl(df)
    raise UsageError(f"--format {fmt!r}: choose table, csv, json or jsonl")


# ----------------------------------------------------------------------------- safe files


#: The longest file name (bytes) common file systems allow (ext4, XFS, APFS, NTFS in UTF-16 units).
NAME_MAX = 255


def safe_name(name: str) -> str:
    """Check that ``name`` is a plain file name (no folder part, no ``..``, no hidden file).

    >>> safe_name("mentions.csv")
    'mentions.csv'

    Raises:
        UsageError: ``name`` could point outside the output folder.
    """
    if (
        not name
        or name in {".", ".."}
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or ".." in name
        or not _SAFE_NAME_RE.match(name)
    ):
        raise UsageError(
            f"file name {name!r} is not allowed: use letters, digits, '_', '-' and '.', "
            "without folders or '..'"
        )
    if len(os.fsencode(name)) > NAME_MAX:
        raise UsageError(
            f"file name {name[:40]}… is {len(os.fsencode(name))} bytes long; file systems allow "
            f"{NAME_MAX} bytes: use a shorter --prefix"
        )
    return name


def target(out_dir: str | os.PathLike[str], name: str) -> Path:
    """The path of ``name`` inside ``out_dir``, refusing anything that resolves outside it."""
    base = Path(out_dir).resolve()
    path = base / safe_name(name)
    if path.parent != base:  # pragma: no cover - safe_name already refuses folder parts
        raise UsageError(f"{name!r} resolves outside {out_dir}; refusing to write there")
    return path


def write_bytes(out_dir: str | os.PathLike[str], name: str, data: bytes) -> Path:
    """Write ``data`` to ``out_dir/name`` atomically (temporary "
    "file + rename; a symlink is replaced, not followed)."""
    path = target(out_dir, name)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(out_dir: str | os.PathLike[str], name: str, text: str) -> Path:
    """Write UTF-8 text to ``out_dir/name`` (see :func:`write_bytes`)."""
    return write_bytes(out_dir, name, text.encode("utf-8"))


# ----------------------------------------------------------------------------- binary formats


def _display_width(value: Any) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:200])


def xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]]) -> bytes:
    """An Excel workbook (xlsxwriter in constant-memory mode), one sheet per frame, with fixed
    properties: a bold frozen header, an autofilter, column widths fitted to the content of the
    first 500 rows (Chinese counted double, at most 60), dates as date cells, numbers as numbers,
    text as text cells (inline strings, never formulas).

    Cells are converted a column at a time (:func:`excel_column`), the widths are set before the
    rows are written, and each row is written by one call; xlsxwriter then streams the rows to a
    temporary file instead of holding every cell. Its zip entries carry a fixed time, so the same
    frames give the same bytes. Excel's limit of 32,767 characters per cell is respected by
    cutting longer text (marked with ``…``).
    """
    import datetime as dt

    import xlsxwriter

    raw = io.BytesIO()
    wb = xlsxwriter.Workbook(
        raw, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"author": "policytext", "created": dt.datetime(*FIXED_TIME)})
    head = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for title, df in sheets:
        ws = wb.add_worksheet(title[:31])
        cols = [str(c) for c in df.columns]
        columns = [excel_column(df[c]) for c in df.columns]
        dates = [j for j, c in enumerate(df.columns) if pd.api.types.is_datetime64_any_dtype(df[c].dtype)]
        for j, (name, values) in enumerate(zip(cols, columns)):
            if j in dates:
                width = 12 if any(v is not None for v in values) else 0
            else:
                width = max(
                    (_display_width(v) + 1 for v in values[:500] if v is not None and v != ""), default=0
                )
            ws.set_column(j, j, min(60, max(8, _display_width(name) + 2, width)))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), max(len(cols) - 1, 0))
        ws.write_row(0, 0, cols, head)
        # date cells need their format: left empty in the row, then written one by one
        plain_columns = [[None] * len(df) if j in dates else v for j, v in enumerate(columns)]
        for i, row in enumerate(zip(*plain_columns), start=1):
            ws.write_row(i, 0, row)
            for j in dates:
                if columns[j][i - 1] is not None:
                    ws.write_datetime(i, j, columns[j][i - 1], date_fmt)
    wb.close()
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """``data`` (a zip) with every entry dated :data:`FIXED_TIME`, patched in the local and central
    headers in place: nothing is decompressed or compressed again (the time is not in the CRC)."""
    out = bytearray(data)
    dos_date = ((FIXED_TIME[0] - 1980) << 9) | (FIXED_TIME[1] << 5) | FIXED_TIME[2]
    dos_time = (FIXED_TIME[3] << 11) | (FIXED_TIME[4] << 5) | (FIXED_TIME[5] // 2)
    stamp = struct.pack("<HH", dos_time, dos_date)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            at = info.header_offset
            if out[at : at + 4] != b"PK\x03\x04":  # pragma: no cover - not a zip written by zipfile
                raise ValueError("unexpected zip layout")
            out[at + 10 : at + 14] = stamp
        at = data.rfind(b"PK\x05\x06")
        entries, _size, start = struct.unpack("<HII", data[at + 10 : at + 20])
        for _ in range(entries):
            if out[start : start + 4] != b"PK\x01\x02":  # pragma: no cover
                raise ValueError("unexpected zip layout")
            out[start + 12 : start + 16] = stamp
            name, extra, comment = struct.unpack("<HHH", data[start + 28 : start + 34])
            start += 46 + name + extra + comment
    return bytes(out)


def excel_column(col: pd.Series) -> list[Any]:
    """The Excel cells of one column: what :func:`_excel_cell` gives for each value (None for an
    empty cell; datetimes as ``datetime``), with fast paths for numbers and text."""
    dtype = col.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in col]
    if str(dtype) == "bool":
        return [int(v) for v in col.tolist()]
    if str(dtype) == "int64":
        return list(col.tolist())
    if str(dtype) == "float64":
        return [None if v != v else v for v in col.tolist()]
    out: list[Any] = []
    for v in col.tolist():
        if v is None or (type(v) is float and v != v):
            out.append(None)
            continue
        if type(v) is list and all(type(x) is str for x in v):
            v = "; ".join(v)
        if type(v) is str:
            if _ILLEGAL_XML_RE.search(v):
                v = _ILLEGAL_XML_RE.sub("", v)
            if _FORMULA_RE.match(v):
                v = "'" + v
            if len(v) > 32767:
                v = v[:32766] + "…"
            out.append(v)
        else:
            out.append(_excel_cell(v))
    return out


def _excel_cell(value: Any) -> Any:
    v = flat(value)
    if isinstance(v, str):
        v = neutralise(_ILLEGAL_XML_RE.sub("", v))
        if len(v) > 32767:
            v = v[:32766] + "…"
    return v


_ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parquet_bytes(df: pd.DataFrame, schema: Any) -> bytes:
    """Parquet bytes of ``df`` with an explicit pyarrow "
    "``schema`` (types kept: ints, floats, bools, lists)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for f in schema:
        raw = df[f.name].tolist() if f.name in df.columns else [None] * len(df)
        if pa.types.is_date(f.type):
            raw = [v.date() if isinstance(v, pd.Timestamp) and not pd.isna(v) else None for v in raw]
        values = [plain(v) for v in raw]
        if pa.types.is_string(f.type):
            values = [
                v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
                for v in values
            ]
        columns[f.name] = pa.array(values, type=f.type)
    table = pa.Table.from_pydict(columns, schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_statistics=True)
    return buf.getvalue()


#: Columns renamed in Stata files (names Stata reserves).
STATA_NAMES = {"end": "end_"}


def stata_bytes(
    df: pd.DataFrame,
    *,
    variable_labels: dict[str, str] | None = None,
    value_labels: dict[str, dict[str, str]] | None = None,
) -> bytes:
    """A Stata 118 ``.dta`` (UTF-8, read by Stata 14+, R's haven and ``pd.read_stata``).

    Lists become ``a; b`` text, nested values JSON text, booleans 0/1, nullable integers
    numbers with Stata's missing value, datetimes ``%td`` dates. ``value_labels`` maps a
    column to {stored value: label}: that column is written as integer codes with those value
    labels (Chinese kept). Text longer than 2,045 bytes is written as ``strL``. Names Stata
    reserves are renamed (:data:`STATA_NAMES`: ``end`` → ``end_``).
    """
    out = pd.DataFrame(index=range(len(df)))
    convert_dates: dict[str, str] = {}
    strl: list[str] = []
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            out[c] = col.reset_index(drop=True)
            convert_dates[c] = "td"
        elif value_labels and c in value_labels:
            labels = value_labels[c]
            cats = list(labels) + sorted({str(v) for v in col.dropna() if str(v) not in labels})
            out[c] = pd.Categorical(
                [labels.get(str(v), str(v)) if v is not None and not pd.isna(v) else None for v in col],
                categories=[labels.get(k, k) for k in cats],
            )
        elif str(col.dtype) in {"int64", "bool"}:
            out[c] = col.astype("int64").reset_index(drop=True)
        elif str(col.dtype) == "Int64":
            out[c] = (col.astype("int64") if not col.isna().any() else col.astype("float64")).reset_index(
                drop=True
            )
        elif str(col.dtype) == "float64":
            out[c] = col.reset_index(drop=True)
        else:
            values = [flat(v) for v in col.tolist()]
            if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
                out[c] = pd.Series(values, dtype="float64")
            else:
                texts = ["" if v is None else str(v) for v in values]
                out[c] = texts
                if any(len(t.encode("utf-8")) > 2045 for t in texts):
                    strl.append(c)
    labels = {k: v[:80] for k, v in (variable_labels or {}).items() if k in out.columns}
    renamed = {c: STATA_NAMES[c] for c in out.columns if c in STATA_NAMES}
    out = out.rename(columns=renamed)
    labels = {renamed.get(k, k): v for k, v in labels.items()}
    convert_dates = {renamed.get(k, k): v for k, v in convert_dates.items()}
    strl = [renamed.get(k, k) for k in strl]
    buf = io.BytesIO()
    out.to_stata(
        buf,
        write_index=False,
        version=118,
        convert_dates=convert_dates,
        variable_labels=labels,
        convert_strl=strl,
        time_stamp=__import__("datetime").datetime(*FIXED_TIME),
    )
    return buf.getvalue()
