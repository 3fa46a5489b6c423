"""DataFrames → text and files: CSV, JSON, JSONL, Excel (openpyxl) and Parquet (pyarrow).

Writers are deterministic: the frame's row and column order is kept as given (callers sort),
JSON keys keep the column order, Excel files get fixed document properties and zip entry
times, and every file is written through a temporary file in the target folder, then renamed.

Cells that hold lists of strings become ``a; b`` in CSV, Excel and tables, JSON arrays in
JSON/JSONL and ``list<string>`` in Parquet; other nested values become JSON text.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
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
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA → None, tuples → lists."""
    if value is None:
        return None
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


def to_csv(df: pd.DataFrame) -> str:
    """CSV text (UTF-8, ``\\n`` line ends, header row)."""
    buf = io.StringIO()
    (df.map(flat) if len(df) else df).to_csv(buf, index=False, lineterminator="\n")
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


def xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]]) -> bytes:
    """An Excel workbook (openpyxl), one sheet per frame, with fixed properties and zip times.

    Cells are written as text and numbers; Chinese is kept as is. Excel's limit of 32,767
    characters per cell is respected by cutting longer text (marked with ``…``).
    """
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for title, df in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False, name=None):
            ws.append([_excel_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, len(str(col)) + 2))
    fixed = dt.datetime(*FIXED_TIME)
    wb.properties.creator = "policytext"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.lastModifiedBy = "policytext"
    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_zip(raw.getvalue())


def _excel_cell(value: Any) -> Any:
    v = flat(value)
    if isinstance(v, str):
        v = _ILLEGAL_XML_RE.sub("", v)
        if len(v) > 32767:
            v = v[:32766] + "…"
    return v


_ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with sorted-as-given entries and a fixed time, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>1980-01-01T00:00:00Z\g<3>",
                    body,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def parquet_bytes(df: pd.DataFrame, schema: Any) -> bytes:
    """Parquet bytes of ``df`` with an explicit pyarrow "
    "``schema`` (types kept: ints, floats, bools, lists)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for f in schema:
        values = [plain(v) for v in df[f.name].tolist()] if f.name in df.columns else [None] * len(df)
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
