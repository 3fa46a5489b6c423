"""Fixtures of the store tests: stores written by earlier schemas, and their rows dumped for comparison."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def old_store(tmp_path: Path) -> Callable[[str], Path]:
    """A working copy of a store an earlier schema wrote: ``old_store("store_v2")`` unpacks
    ``tests/data/store_v2.db.gz`` into the test's folder."""

    def copy(name: str) -> Path:
        db = tmp_path / f"{name}.db"
        with gzip.open(DATA / f"{name}.db.gz") as src, db.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        return db

    return copy


@pytest.fixture
def dump_rows() -> Callable[[Path, Mapping[str, str]], dict[str, list[tuple[object, ...]]]]:
    """Every row of the given tables or views (name -> the ORDER BY that makes the dump comparable),
    ``attributes_json`` parsed (schema 4 rebuilds it from the columns, the same object written
    compactly)."""

    def dump(db: Path, tables: Mapping[str, str]) -> dict[str, list[tuple[object, ...]]]:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            out = {}
            for table, order in tables.items():
                cur = c.execute(f"SELECT * FROM {table} ORDER BY {order}")
                names = [d[0] for d in cur.description]
                out[table] = [
                    tuple(json.loads(v) if n == "attributes_json" else v for n, v in zip(names, row))
                    for row in cur.fetchall()
                ]
            return out

    return dump
