"""Retrain the shipped mechanism model from the adjudicated annotations.

Run from the project root::

    .venv/bin/python models/train.py                  # corpora/annotations/adjudicated
    .venv/bin/python models/train.py --genre-table    # also the CV table by held-out genre

This is ``policytext train`` with the project's defaults: the adjudicated labels, genres
from ``../shared/corpus/real/MANIFEST.csv``, sentence texts cut from ``../shared/corpus/real/txt``
(the labels hold indices, not third-party text), the gold documents of ``../shared/gold``
excluded from training, the model saved in ``models/mechanisms`` (its source) and shipped
into ``policytext/data/models/mechanisms`` (the copy the installed package loads).
Further arguments are passed on to ``policytext train``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    from policytext.cli import main as cli

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):  # no annotation folder named first
        args.insert(0, str(ROOT / "corpora" / "annotations" / "adjudicated"))
    defaults = {
        "--manifest": SHARED / "corpus" / "real" / "MANIFEST.csv",
        "--gold": SHARED / "gold",
        "--texts": SHARED / "corpus" / "real" / "txt",
        "--out": ROOT / "models" / "mechanisms",
    }
    for opt, value in defaults.items():
        if opt not in args:
            args += [opt, str(value)]
    if "--no-ship" in args:
        args.remove("--no-ship")
    elif "--ship" not in args:
        args.append("--ship")
    return cli(["train", *args])


if __name__ == "__main__":
    sys.exit(main())
