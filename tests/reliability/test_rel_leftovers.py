"""Issue 12's smaller cases: one bad byte sequence, export names past 255 bytes."""

from __future__ import annotations

from pathlib import Path

import make_bad_inputs as mbi
from rel_helpers import run_cli

from policytext import api

TITLE = "长三角一体化的通知"


def _one_bad_byte(text: str) -> bytes:
    """``text`` in UTF-8 with one stray byte inside a character in the middle."""
    data = text.encode("utf-8")
    middle = len(data) // 2
    while (data[middle] & 0xC0) == 0x80:  # land on a character start, then step one byte in
        middle -= 1
    return data[: middle + 2] + b"\xff" + data[middle + 2 :]


def test_one_bad_byte_sequence_is_replaced_with_a_warning(tmp_path: Path) -> None:
    """A short text with one stray byte: read with U+FFFD in its place and a warning naming the file
    and the count (was: the whole text refused as `unsupported`, "not text in a known encoding")."""
    path = tmp_path / "notice.txt"
    path.write_bytes(_one_bad_byte(TITLE))
    doc = api.text(path)
    assert "\ufffd" in doc.text and doc.text.replace("\ufffd", "").startswith("长三角")
    (warning,) = [w for w in doc.warnings if "U+FFFD" in w]
    assert warning.startswith("notice.txt: ") and f"{doc.text.count(chr(0xFFFD))} invalid byte" in warning
    proc = run_cli(["text", str(path)])
    assert proc.returncode == 0 and "notice.txt: " in proc.stderr and "U+FFFD" in proc.stderr, proc.stderr


def test_one_bad_byte_in_a_batch_is_stored_and_said(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad-byte.txt").write_bytes(_one_bad_byte(TITLE + "\n" + mbi.policy_text("bad-byte")))
    (folder / "short.txt").write_bytes(_one_bad_byte(TITLE))
    proc = run_cli(["ingest", str(folder), "--db", str(tmp_path / "b.db"), "-q", "--no-extract"])
    assert proc.returncode == 0 and "2 stored" in proc.stderr, proc.stderr
    assert "short.txt" in proc.stderr and "U+FFFD" in proc.stderr  # not silent


def test_export_names_past_255_bytes_are_one_line(tmp_path: Path) -> None:
    """A --prefix or --out name longer than a file system allows: one line naming the fix (was: an
    OSError traceback)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(mbi.policy_text("export-names"), encoding="utf-8")
    db = tmp_path / "e.db"
    assert api.ingest([folder], db, workers=0, model=False).stored == 1
    for extra in (["--prefix", "p" * 250, "-o", str(tmp_path / "out")], ["-o", str(tmp_path / ("长" * 90))]):
        proc = run_cli(["export", "--db", str(db), *extra])
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "255 bytes" in proc.stderr
    for args in (["network", "--kind", "citations"], ["terms"]):
        proc = run_cli([*args, "--db", str(db), "-o", str(tmp_path / ("n" * 300 + ".csv"))])
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "255 bytes" in proc.stderr, proc.stderr
