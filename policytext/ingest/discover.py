"""Walk the inputs (folders recursively, files, globs) and hash each file.

Symlink loops are detected (each real folder is visited once); files that are not
of a supported type are counted and reported, never skipped silently.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterable
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


def discover(inputs: Iterable[str | os.PathLike[str]]) -> Discovery:
    """Expand folders, files and glob patterns into a list of input files.

    Files named explicitly are always returned (an unsupported one then fails with a
    clear reason); inside folders, only supported types are taken and the others are
    counted in ``ignored``. Hidden files and folders (starting with ".") are ignored
    and counted too.
    """
    d = Discovery()
    seen_files: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()

    def add(path: str, *, named: bool) -> None:
        key = os.path.normpath(path)
        if key in seen_files:
            return
        seen_files.add(key)
        d.files.append(path)
        if named:
            d.named.add(path)

    def walk(folder: str) -> None:
        try:
            st = os.stat(folder)
        except OSError:
            d.missing.append(folder)
            return
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            d.loops.append(folder)
            return
        seen_dirs.add(ident)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            d.missing.append(folder)
            return
        for e in entries:
            if e.name.startswith("."):
                d.ignored["hidden"] += 1
                continue
            path = os.path.join(folder, e.name)
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                walk(path)
            elif Path(e.name).suffix.lower() in SUPPORTED:
                add(path, named=False)
            else:
                d.ignored[Path(e.name).suffix.lower() or "(no extension)"] += 1

    for raw in inputs:
        item = os.fspath(raw)
        if os.path.isdir(item):
            walk(item)
        elif os.path.lexists(item):
            add(item, named=True)
        elif any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                d.missing.append(item)
            for m in matches:
                if os.path.isdir(m):
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
