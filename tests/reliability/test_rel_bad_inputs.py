"""Bad inputs in one batch: each fails alone with a reason code, the good files are stored."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import CLI, REPO, integrity, run_cli

from policytext import api
from policytext.errors import REASONS, IngestError
from policytext.ingest.document import build_document


def test_batch_goes_on_and_counts_add_up(bad_cases, bad_ingest) -> None:
    summary, db = bad_ingest
    expected_stored = [c for c in bad_cases if c.expect == "stored"]
    assert summary.stored == len(expected_stored)
    assert summary.failed == len(bad_cases) - len(expected_stored)
    assert summary.exit_code == 1
    assert integrity(db) == "ok"


def test_every_case_has_its_outcome(bad_cases, bad_ingest) -> None:
    summary, db = bad_ingest
    failures = {Path(f["path"]).name: f for f in summary.failures}
    conn = sqlite3.connect(db)
    stored = {r[0]: r[1] for r in conn.execute("SELECT filename, text FROM documents")}
    recorded = {Path(r[0]).name: r[1] for r in conn.execute("SELECT path, reason FROM failures")}
    wrong = []
    for case in bad_cases:
        if case.expect == "stored":
            if case.name not in stored:
                wrong.append(f"{case.name}: not stored ({failures.get(case.name)})")
            elif case.needle and case.needle not in stored[case.name]:
                wrong.append(f"{case.name}: stored text lacks {case.needle!r}")
        else:
            got = failures.get(case.name, {}).get("error")
            if got != case.expect or recorded.get(case.name) != case.expect:
                wrong.append(f"{case.name}: expected {case.expect}, got {got} / stored {case.name in stored}")
    assert not wrong, "\n".join(wrong)


def test_failure_messages_are_one_clear_line(bad_ingest) -> None:
    summary, _ = bad_ingest
    assert summary.failures
    for f in summary.failures:
        assert f["error"] in REASONS
        assert "\n" not in f["message"] and "Traceback" not in f["message"]
        assert len(f["message"]) > 20


def test_scanned_pdf_hints_at_ocr(bad_ingest) -> None:
    summary, _ = bad_ingest
    msg = {Path(f["path"]).name: f for f in summary.failures}["scanned.pdf"]
    assert msg["error"] == "no_text" and "OCR" in msg["message"]


def test_fonts_without_tounicode_are_not_stored_as_text(bad_ingest) -> None:
    summary, db = bad_ingest
    if mbi.OCR_AVAILABLE:  # the garbled layer is replaced by OCR text: the true sentences, no garbage glyphs
        conn = sqlite3.connect(db)
        (text,) = conn.execute("SELECT text FROM documents WHERE filename='no-tounicode.pdf'").fetchone()
        assert mbi.SENTENCES[0][:12] in text
        assert not any(ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF for ch in text)
        return
    f = {Path(f["path"]).name: f for f in summary.failures}["no-tounicode.pdf"]
    assert f["error"] == "no_text" and "ToUnicode" in f["message"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE filename='no-tounicode.pdf'").fetchone()[0] == 0


def test_encrypted_with_and_without_user_password(bad_cases) -> None:
    by_name = {c.name: c for c in bad_cases}
    with pytest.raises(IngestError) as exc:
        build_document(by_name["encrypted-user.pdf"].path)
    assert exc.value.reason == "encrypted" and "password" in exc.value.message
    doc = build_document(by_name["encrypted-owner.pdf"].path)  # no user password: readable
    assert mbi.tag_line("owner") in doc.text


def test_mixed_encoding_is_decoded_line_by_line(bad_cases) -> None:
    doc = build_document({c.name: c for c in bad_cases}["mixed-encoding.txt"].path)
    lines = mbi.policy_text("mixed", lines=6).splitlines()
    assert all(line.strip("（）") and line[:6] in doc.text for line in lines)
    assert any("more than one encoding" in w for w in doc.warnings)


def test_zero_byte_files_alone(tmp_path: Path) -> None:
    for name, reason in (
        ("empty.txt", "no_text"),
        ("empty.pdf", "corrupt"),
        ("empty.docx", "corrupt"),
        ("empty.html", "no_text"),
    ):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(IngestError) as exc:
            build_document(tmp_path / name)
        assert exc.value.reason == reason and "0 bytes" in exc.value.message


def test_nul_bytes_removed(bad_cases) -> None:
    doc = build_document({c.name: c for c in bad_cases}["nul-bytes.txt"].path)
    assert "\x00" not in doc.text and "末尾" in doc.text


def test_cli_prints_one_line_per_failure_and_exits_1(bad_cases, tmp_path: Path) -> None:
    proc = run_cli(
        [
            "ingest",
            str(bad_cases[0].path.parent),
            "--db",
            str(tmp_path / "c.db"),
            "-q",
            "-j",
            "2",
            "--rules-only",
        ]
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for case in bad_cases:
        if case.expect != "stored":
            lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(f"failed {case.path}: ")]
            assert len(lines) == 1 and f": {case.expect}: " in lines[0], (case.name, proc.stderr)
    n_ok = sum(c.expect == "stored" for c in bad_cases)
    assert f"{n_ok} stored" in proc.stderr and f"{len(bad_cases) - n_ok} failed" in proc.stderr


def test_megabyte_line_is_read_and_stored(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long-line.txt").write_bytes(mbi.long_line_txt(1 << 20))
    (tmp_path / "in" / "ok.txt").write_text(mbi.policy_text("ok-long"), encoding="utf-8")
    s = api.ingest([tmp_path / "in"], tmp_path / "l.db", workers=2, timeout=120, extract=False)
    assert (s.stored, s.failed) == (2, 0)
    conn = sqlite3.connect(tmp_path / "l.db")
    (n_chars,) = conn.execute("SELECT n_chars FROM documents WHERE filename='long-line.txt'").fetchone()
    assert n_chars > 300_000


# -- names, links, special files ---------------------------------------------------------


def test_undecodable_and_chinese_names(tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    _path, needle = mbi.undecodable_name(folder)
    (folder / "政策 文件.txt").write_text(mbi.policy_text("zh-name"), encoding="utf-8")
    bad = os.path.join(os.fsencode(folder), b"\xff\xfe-empty.txt")
    open(bad, "wb").close()  # fails (no_text): its message names an undecodable file
    db = tmp_path / "n.db"
    proc = run_cli(["ingest", str(folder), "--db", str(db), "-q", "-j", "2", "--rules-only"])
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "2 stored" in proc.stderr and "1 failed" in proc.stderr
    conn = sqlite3.connect(db)
    paths = [r[0] for r in conn.execute("SELECT path FROM document_paths")]
    assert any(p.endswith("bad-\\xff\\xfe-\\xc3\\xfb.txt") for p in paths), paths
    assert any(p.endswith("政策 文件.txt") for p in paths)
    for p in paths + [r[0] for r in conn.execute("SELECT path FROM failures")]:
        p.encode("utf-8")  # printable: no surrogates
    (text,) = conn.execute("SELECT text FROM documents WHERE filename LIKE 'bad-%'").fetchone()
    assert needle in text
    assert integrity(db) == "ok"
    # the same names through the API (no subprocess): no exception, same outcome
    s = api.ingest([folder], tmp_path / "n2.db", workers=0, model=False)
    assert (s.stored, s.failed) == (2, 1)


def test_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    folder = tmp_path / "loops"
    mbi.symlink_loops(folder)
    (folder / "ok.txt").write_text(mbi.policy_text("loop-ok"), encoding="utf-8")
    (folder / "sub" / "inner.txt").write_text(mbi.policy_text("loop-inner"), encoding="utf-8")
    s = api.ingest([folder], tmp_path / "s.db", workers=2, model=False)
    assert s.stored == 2  # each real file once, although sub/up/sub/up/... reaches them again
    reasons = {Path(f["path"]).name: f["error"] for f in s.failures}
    assert reasons == {"self.txt": "io", "dangling.pdf": "io"}


def test_fifo_named_txt_fails_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "fifo"
    folder.mkdir()
    mbi.fifo_txt(folder)
    (folder / "ok.txt").write_text(mbi.policy_text("fifo-ok"), encoding="utf-8")
    # a regression would block on open(); the outer timeout turns that into a failure
    proc = run_cli(["ingest", str(folder), "--db", str(tmp_path / "f.db"), "-q", "--rules-only"], timeout=120)
    assert proc.returncode == 1, proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "pipe.txt" in ln)
    assert ": io: " in line and "named pipe" in line
    assert "1 stored" in proc.stderr
    proc = run_cli(["text", str(folder / "pipe.txt")], timeout=120)
    assert proc.returncode == 1 and "named pipe" in proc.stderr and "Traceback" not in proc.stderr


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    d = tmp_path / "x.txt"
    d.mkdir()
    (d / "inside.txt").write_text(mbi.policy_text("inside"), encoding="utf-8")
    s = api.ingest([d], tmp_path / "d.db", workers=0, model=False)
    assert s.stored == 1 and s.failed == 0  # a folder is walked, whatever its name
    with pytest.raises(IngestError) as exc:
        build_document(d)
    assert exc.value.reason == "io" and "directory" in exc.value.message


def _no_dac_override() -> list[str] | None:
    """A command prefix under which root obeys file permissions (or [] when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run(
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "true"], capture_output=True
    )
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"] if probe.returncode == 0 else None


def test_unreadable_file_fails_alone(tmp_path: Path) -> None:
    """chmod 000 does not stop root: as root the ingest runs without CAP_DAC_OVERRIDE (setpriv)."""
    prefix = _no_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: a chmod 000 file stays readable to root")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(mbi.policy_text("readable"), encoding="utf-8")
    secret = folder / "secret.txt"
    secret.write_text(mbi.policy_text("secret"), encoding="utf-8")
    secret.chmod(0o000)
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.run(
            [*prefix, *CLI, "ingest", str(folder), "--db", str(tmp_path / "u.db"), "-q", "--rules-only"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        secret.chmod(0o644)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "secret.txt" in ln)
    assert ": io: " in line and "permission" in line.lower()
    assert "1 stored" in proc.stderr
