"""Count sentences that still hold HTML markup after reading .txt/.md files.

Reads every .txt/.md file under the folders given (default: the real corpus's txt/ folder),
builds each document as ``ingest`` does (read, clean, split into sentences) and prints how many
sentences contain an HTML tag or entity, with and without the markup step of the text reader
(:func:`policytext.ingest.readers.strip_html_markup`). Reading only: nothing is annotated or tuned.

    .venv/bin/python benchmarks/markup_in_text.py ../shared/corpus/real/txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from unittest import mock

from policytext.ingest import readers
from policytext.ingest.document import build_document

MARKUP = re.compile(r"</?(?:p|br|strong|b|span|div|em|a)\b[^<>]*>|&(?:nbsp|amp|lt|gt|quot);", re.I)


def count(files: list[Path]) -> tuple[int, int]:
    """(sentences with markup, sentences) over ``files``."""
    marked = total = 0
    for f in files:
        doc = build_document(f)
        total += len(doc.sentences)
        marked += sum(1 for s in doc.sentences if MARKUP.search(s.text))
    return marked, total


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [Path(__file__).resolve().parents[2] / "shared/corpus/real/txt"]
    files = sorted(f for d in folders for f in d.rglob("*") if f.suffix.lower() in {".txt", ".md"})
    after = count(files)
    with mock.patch.object(readers, "strip_html_markup", lambda text: (text, 0)):
        before = count(files)
    print(
        f"{len(files)} files; sentences holding HTML markup: {before[0]} of {before[1]} "
        f"without the markup step, {after[0]} of {after[1]} with it"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
