"""Walk the inputs (folders recursively, files, globs) and hash each file.

Folders are walked iteratively (any depth), each real folder once (symlink loops are
reported); symlinks leading outside the folders given are reported and not followed
unless asked; files that are not of a supported type or match an exclude pattern are
counted and reported, never skipped silently.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policytext.ingest.formats import EXTENSIONS

SUPPORTED = frozenset(EXTENSIONS)  # the one format table (policytext.ingest.formats)


@dataclass
class Discovery:
    """The files found under the inputs."""

    files: list[str] = field(default_factory=list)  # supported files, in stable order
    named: set[str] = field(default_factory=set)  # files the user named explicitly (any type)
    ignored: Counter[str] = field(default_factory=Counter)  # extension -> count, found while walking folders
    missing: list[str] = field(default_factory=list)  # inputs that match nothing
    loops: list[str] = field(default_factory=list)  # folders reached again through a symlink
    escapes: list[str] = field(default_factory=list)  # symlinks leading outside the inputs, not followed
    excluded: list[str] = field(default_factory=list)  # paths matching an --exclude pattern


def _inside(path: str, roots: Sequence[str]) -> bool:
    """Whether the real path ``path`` lies in one of the real folders ``roots``."""
    for root in roots:
        try:
            if os.path.commonpath([path, root]) == root:
                return True
        except ValueError:  # pragma: no cover - different drives on Windows
            continue
    return False


def excluded_by(path: str, patterns: Sequence[str], *, base: str | None = None) -> bool:
    """Whether ``path`` matches one of the ``--exclude`` glob patterns.

    A pattern matches the file or folder name (``README.md``, ``*.draft.txt``) or the
    path relative to the input folder ``base`` (``drafts/*``, ``*/old/*``).
    """
    if not patterns:
        return False
    name = os.path.basename(path)
    rel = Path(os.path.relpath(path, base)).as_posix() if base else Path(path).as_posix()
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(rel, p) for p in patterns)


def discover(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    follow_symlinks: bool = False,
    exclude: Sequence[str] = (),
) -> Discovery:
    """Expand folders, files and glob patterns into a list of input files.

    Files named explicitly are always returned (an unsupported one then fails with a
    clear reason); inside folders, only supported types are taken and the others are
    counted in ``ignored``. Hidden files and folders (starting with ".") are ignored
    and counted too.

    Folders are walked without recursion (any depth) and each real folder once: a
    folder reached again through a symlink is listed in ``loops``. A symlink whose
    target lies outside every folder given is not followed unless ``follow_symlinks``;
    it is listed in ``escapes``. Paths matching an ``exclude`` pattern (see
    :func:`excluded_by`) are listed in ``excluded``.
    """
    d = Discovery()
    seen_files: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()
    items = [os.fspath(raw) for raw in inputs]
    roots = [os.path.realpath(i) for i in items if os.path.isdir(i)]

    def add(path: str, *, named: bool) -> None:
        key = os.path.normpath(path)
        if key in seen_files:
            return
        seen_files.add(key)
        d.files.append(path)
        if named:
            d.named.add(path)

    def enter(folder: str) -> Iterator[os.DirEntry[str]] | None:
        try:
            st = os.stat(folder)
        except OSError:
            d.missing.append(folder)
            return None
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            d.loops.append(folder)
            return None
        seen_dirs.add(ident)
        try:
            with os.scandir(folder) as it:
                return iter(sorted(it, key=lambda e: e.name))
        except OSError:
            d.missing.append(folder)
            return None

    def walk(top: str) -> None:
        roots_here = [*roots, os.path.realpath(top)]
        first = enter(top)
        stack: list[Iterator[os.DirEntry[str]]] = [first] if first is not None else []
        while stack:
            e = next(stack[-1], None)
            if e is None:
                stack.pop()
                continue
            if e.name.startswith("."):
                d.ignored["hidden"] += 1
                continue
            path = e.path
            if excluded_by(path, exclude, base=top):
                d.excluded.append(path)
                continue
            if e.is_symlink() and not follow_symlinks:
                target = os.path.realpath(path)
                if not _inside(target, roots_here):
                    d.escapes.append(path)
                    continue
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                sub = enter(path)
                if sub is not None:
                    stack.append(sub)
            elif Path(e.name).suffix.lower() in SUPPORTED:
                add(path, named=False)
            else:
                d.ignored[Path(e.name).suffix.lower() or "(no extension)"] += 1

    for item in items:
        if os.path.isdir(item):
            walk(item)
        elif os.path.lexists(item):
            if excluded_by(item, exclude):
                d.excluded.append(item)
            else:
                add(item, named=True)
        elif any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                d.missing.append(item)
            for m in matches:
                if excluded_by(m, exclude):
                    d.excluded.append(m)
                elif os.path.isdir(m):
                    walk(m)
                elif Path(m).suffix.lower() in SUPPORTED:
                    add(m, named=False)
                else:
                    d.ignored[Path(m).suffix.lower() or "(no extension)"] += 1
        else:
            d.missing.append(item)
    return d


_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def check_regular(path: str | os.PathLike[str]) -> None:
    """Raise OSError unless ``path`` is a regular file (or a symlink to one).

    Opening a named pipe blocks until a writer comes, and a device can be endless:
    neither is read.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return
    what = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    raise OSError(errno.EINVAL, f"not a regular file but {what}", os.fspath(path))


def sha256_file(path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> str:
    """The sha256 hex digest of a file's bytes (read in chunks).

    Raises:
        OSError: the file cannot be read, or is not a regular file (see :func:`check_regular`).
    """
    check_regular(path)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()
