"""Walking input folders, files and globs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policytext.ingest.discover import discover, sha256_file


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden_dir").mkdir()
    for rel in [
        "a.txt",
        "b.PDF",
        "sub/c.md",
        "sub/deeper/d.html",
        "sub/deeper/e.docx",
        ".hidden_dir/f.txt",
        ".secret.txt",
        "g.xyz",
        "sub/h.csv",
        "README",
    ]:
        (root / rel).write_text("城市群", encoding="utf-8")
    return root


def test_recursive_walk(tree: Path) -> None:
    d = discover([tree])
    rel = sorted(os.path.relpath(f, tree) for f in d.files)
    assert rel == ["a.txt", "b.PDF", "sub/c.md", "sub/deeper/d.html", "sub/deeper/e.docx"]
    assert d.named == set()
    assert d.missing == [] and d.loops == []


def test_ignored_counts(tree: Path) -> None:
    d = discover([tree])
    assert d.ignored["hidden"] == 2
    assert d.ignored[".xyz"] == 1
    assert d.ignored[".csv"] == 1
    assert d.ignored["(no extension)"] == 1
    assert sum(d.ignored.values()) == 5


def test_glob_patterns(tree: Path) -> None:
    d = discover([str(tree / "**" / "*.md"), str(tree / "*.txt")])
    assert sorted(os.path.relpath(f, tree) for f in d.files) == ["a.txt", "sub/c.md"]
    d = discover([str(tree / "*.xyz")])
    assert d.files == []
    assert d.ignored[".xyz"] == 1


def test_glob_matching_nothing_is_missing(tree: Path) -> None:
    pattern = str(tree / "*.nothing")
    d = discover([pattern, str(tree / "absent.txt")])
    assert d.files == []
    assert d.missing == [pattern, str(tree / "absent.txt")]


def test_explicit_unsupported_file_is_returned(tree: Path) -> None:
    named = str(tree / "g.xyz")
    d = discover([named])
    assert d.files == [named]
    assert d.named == {named}


def test_file_named_and_in_folder_listed_once(tree: Path) -> None:
    d = discover([tree / "a.txt", tree])
    assert sum(1 for f in d.files if f.endswith("a.txt")) == 1


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "loop"
    (root / "child").mkdir(parents=True)
    (root / "child" / "doc.txt").write_text("城市群", encoding="utf-8")
    (root / "child" / "up").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(".", target_is_directory=True)
    d = discover([root])
    assert [os.path.relpath(f, root) for f in d.files] == ["child/doc.txt"]
    assert len(d.loops) == 2


def test_sha256_file(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(b"abc")
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_file(f, chunk=1) == sha256_file(f)
