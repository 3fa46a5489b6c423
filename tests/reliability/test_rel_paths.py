"""Discovery and names: symlinks stay inside the inputs, any depth, --exclude, printable names."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import make_bad_inputs as mbi
from rel_helpers import run_cli

from policytext import api
from policytext.cli.names import printable_name
from policytext.ingest.discover import discover


def _outside_and_inside(tmp_path: Path) -> tuple[Path, Path]:
    """An input folder with one file, a file link and two folder links leading outside it."""
    secret = tmp_path / "outside"
    (secret / "deep").mkdir(parents=True)
    (secret / "secret.txt").write_text(mbi.policy_text("secret-outside"), encoding="utf-8")
    for i in range(30):
        (secret / "deep" / f"f{i}.txt").write_text(mbi.policy_text(f"outside-{i}"), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.txt").write_text(mbi.policy_text("inside"), encoding="utf-8")
    os.symlink(secret / "secret.txt", folder / "link.txt")
    os.symlink(secret, folder / "dir-link")
    os.symlink(secret / "deep", folder / "deep-link")
    return folder, secret


def test_symlinks_leaving_the_folder_are_not_followed(tmp_path: Path) -> None:
    folder, _ = _outside_and_inside(tmp_path)
    d = discover([folder])
    assert [Path(f).name for f in d.files] == ["own.txt"]
    assert sorted(Path(e).name for e in d.escapes) == ["deep-link", "dir-link", "link.txt"]
    followed = discover([folder], follow_symlinks=True)
    # own, the linked file, secret.txt and deep/ once each through dir-link; deep-link reaches deep/ again
    assert len(followed.files) == 1 + 1 + 1 + 30
    assert [Path(p).name for p in followed.loops] == ["deep"]


def test_link_inside_the_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "doc.txt").write_text(mbi.policy_text("inner"), encoding="utf-8")
    os.symlink(folder / "a" / "doc.txt", folder / "alias.txt")
    d = discover([folder])
    assert sorted(Path(f).name for f in d.files) == ["alias.txt", "doc.txt"]
    assert d.escapes == []


def test_escapes_and_loops_reported_in_the_summary(tmp_path: Path) -> None:
    folder, _ = _outside_and_inside(tmp_path)
    os.symlink("..", folder / "loop")  # in/loop -> tmp_path: outside, so not followed either
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "up")  # a loop inside the folder
    proc = run_cli(["ingest", str(folder), "--db", str(tmp_path / "s.db"), "-q", "--no-extract"])
    assert proc.returncode == 0, proc.stderr
    assert "1 stored" in proc.stderr
    assert "not followed: 4 symlink(s) leading outside the input folders" in proc.stderr
    assert "symlink loops: 1 folder(s)" in proc.stderr
    conn = sqlite3.connect(tmp_path / "s.db")
    assert (
        conn.execute("SELECT count(*) FROM documents WHERE text LIKE '%secret-outside%'").fetchone()[0] == 0
    )
    s = api.ingest([folder], tmp_path / "f.db", workers=0, extract=False, follow_symlinks=True)
    assert s.stored == 1 + 1 + 30 and s.escapes == []


def test_deep_folders_walk_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path / "deep"
    bottom = deep.joinpath(*["d"] * 1200)  # 2,400 characters: below PATH_MAX, above the recursion limit
    try:
        subprocess.run(["mkdir", "-p", str(bottom)], check=True)  # Path.mkdir(parents=True) recurses
        (bottom / "bottom.txt").write_text(mbi.policy_text("bottom"), encoding="utf-8")
        (deep / "top.txt").write_text(mbi.policy_text("top"), encoding="utf-8")
        d = discover([deep])  # was: RecursionError
        assert [Path(f).name for f in d.files] == ["bottom.txt", "top.txt"]
        assert d.missing == [] and d.loops == []
        s = api.ingest([deep], tmp_path / "d.db", workers=0, extract=False)
        assert (s.stored, s.failed) == (2, 0)
    finally:  # shutil.rmtree (pytest's clean-up) recurses and would fail on this tree
        subprocess.run(["rm", "-rf", str(deep)], check=True)


def test_exclude_patterns(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "drafts").mkdir(parents=True)
    (folder / "README.md").write_text("# About this corpus\n\nNot a policy.", encoding="utf-8")
    (folder / "plan.txt").write_text(mbi.policy_text("plan"), encoding="utf-8")
    (folder / "drafts" / "d.txt").write_text(mbi.policy_text("draft"), encoding="utf-8")
    d = discover([folder], exclude=["README.md", "drafts"])
    assert [Path(f).name for f in d.files] == ["plan.txt"]
    assert sorted(Path(e).name for e in d.excluded) == ["README.md", "drafts"]
    proc = run_cli(
        [
            "ingest",
            str(folder),
            "--db",
            str(tmp_path / "e.db"),
            "-q",
            "--no-extract",
            "--exclude",
            "README.md",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 stored" in proc.stderr and "excluded (--exclude): 1 path(s)" in proc.stderr
    assert "--exclude" in run_cli(["ingest", "--help"]).stdout


def test_printable_name_escapes_controls() -> None:
    assert printable_name("plain 城市群.txt") == "plain 城市群.txt"
    assert printable_name("a\nb.txt") == "a\\nb.txt"
    assert printable_name("\x1b[31mred.txt") == "\\x1b[31mred.txt"
    assert printable_name("x\u202etxt.exe") == "x\\u202etxt.exe"
    assert printable_name(os.fsdecode(b"bad-\xff.txt")) == "bad-\\xff.txt"


def test_names_with_newlines_and_escapes_print_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    bad = "evil\n\x1b[2Jname.txt"
    (folder / bad).write_bytes(b"")  # empty: fails with a message that names the file
    (folder / "ok.txt").write_text(mbi.policy_text("names-ok"), encoding="utf-8")
    proc = run_cli(["ingest", str(folder), "--db", str(tmp_path / "n.db"), "-q", "--no-extract"])
    assert proc.returncode == 1
    assert "\x1b" not in proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "failed" in ln)
    assert "evil\\n\\x1b[2Jname.txt" in line and ": no_text: " in line
    proc = run_cli(["text", str(folder / bad)])
    assert proc.returncode == 1 and "\x1b" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    proc = run_cli(["info", str(tmp_path / "n.db")])
    assert "\x1b" not in proc.stdout and "evil\\n" in proc.stdout


def test_force_keeps_the_alternative_paths_of_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "dups"
    folder.mkdir()
    for i in range(4):
        body = mbi.policy_text(f"dup-{i}")
        for copy in ("a", "b", "c"):
            (folder / f"{copy}-{i}.txt").write_text(body, encoding="utf-8")
    db = tmp_path / "d.db"

    def paths() -> set[tuple[str, str]]:
        con = sqlite3.connect(db)
        try:
            return set(
                con.execute(
                    "SELECT doc_id, path FROM documents UNION SELECT doc_id, path FROM document_paths"
                ).fetchall()
            )
        finally:
            con.close()

    s = api.ingest([folder], db, workers=0, extract=False)
    assert (s.stored, s.duplicates) == (4, 8)
    before = paths()
    assert len(before) == 12
    s = api.ingest([folder], db, workers=0, extract=False, force=True)
    assert s.stored == 4
    assert paths() == before  # was: 12 -> 4 (the alternative paths dropped by the re-read)
    # re-read from another copy only: the old main path stays recorded as an alternative
    api.ingest([folder / "b-0.txt"], db, workers=0, extract=False, force=True)
    assert paths() == before


def test_db_paths_with_hash_or_question_mark(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(mbi.policy_text("db-name"), encoding="utf-8")
    from policytext.store.db import Store
    from policytext.store.sql import sql

    for name in ("c#1.db", "what?.db", "100% sure.db"):
        db = tmp_path / name
        assert api.ingest([folder], db, workers=0, extract=False).stored == 1
        with Store(db, readonly=True) as store:
            assert store.info()["documents"] == 1
        assert int(sql(db, "SELECT count(*) AS n FROM documents")["n"][0]) == 1
    proc = run_cli(["info", str(tmp_path / "c#1.db"), "--json"])
    assert proc.returncode == 0 and '"documents": 1' in proc.stdout
    # the read-only open never created a stray file named after the part before "#" or "?"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db" or p.name in {"c", "what"}) == [
        "100% sure.db",
        "c#1.db",
        "what?.db",
    ]


def test_ingest_of_a_missing_path_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    s = api.ingest([tmp_path / "no-such-folder"], db, workers=0, extract=False)
    assert s.missing == [str(tmp_path / "no-such-folder")] and s.exit_code == 1
    assert not db.exists()
    proc = run_cli(["ingest", str(tmp_path / "nope"), "--db", str(db), "-q"])
    assert proc.returncode == 1 and not db.exists()
    assert "missing" in proc.stderr and "no database written" in proc.stderr


def test_duplicate_contents_do_not_inherit_a_wrong_failure(tmp_path: Path) -> None:
    folder = tmp_path / "same"
    folder.mkdir()
    for name in ("a-empty.pdf", "b-empty.txt", "c-empty.pdf"):
        (folder / name).write_bytes(b"")
    body = mbi.policy_text("same-bytes").encode("utf-8")
    (folder / "d.txt").write_bytes(body)
    (folder / "d.md").write_bytes(body)
    s = api.ingest([folder], tmp_path / "s.db", workers=0, extract=False)
    got = {Path(f["path"]).name: (f["error"], f["message"]) for f in s.failures}
    assert got["a-empty.pdf"][0] == "corrupt" and got["a-empty.pdf"][1].startswith("a-empty.pdf ")
    # another extension: read on its own (was: `corrupt` with a message naming a-empty.pdf)
    assert got["b-empty.txt"][0] == "no_text" and got["b-empty.txt"][1].startswith("b-empty.txt ")
    # the same extension: the verdict on identical bytes, said as such
    assert got["c-empty.pdf"] == (
        "corrupt",
        f"same bytes as a-empty.pdf, which failed: {got['a-empty.pdf'][1]}",
    )
    assert (s.stored, s.duplicates) == (1, 2)
    con = sqlite3.connect(tmp_path / "s.db")
    paths = {Path(r[0]).name for r in con.execute("SELECT path FROM document_paths")}
    assert "d.md" in paths or "d.txt" in paths
