"""Estimate how well the agglomeration gazetteer finds place groups, and how fast.

Quality: for each ``<shared>/seeds/*.txt`` with a gold file ``<shared>/gold/*.json``,
the set of *known* ids that :meth:`Gazetteer.find` reports for the body text is
compared with the gold ``agglomerations``; document-level set precision, recall
and F1 are micro-averaged over (document, id) pairs. Gold excludes reference
lists and author bios, so this estimate drops everything after a line starting
with 参考文献 (the full pipeline does better than this crude cut).

Speed: characters per second of ``find`` over the dev documents of
``<shared>/corpus/real/txt`` (rows of ``MANIFEST.csv`` whose split is ``dev``;
held-out documents are never read).

Usage::

    python benchmarks/gazetteer_eval.py [--shared ../shared] [--json] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from policytext.lexicons.gazetteer import Gazetteer

_REFERENCES = re.compile(r"^\s*[#*\[【]*\s*参考文献")


def clean(text: str) -> str:
    """Clean text the way the pipeline does, or a crude stand-in if it is not importable."""
    try:
        from policytext.clean.pipeline import clean_text
    except ImportError:  # pragma: no cover - fallback for partial checkouts
        text = unicodedata.normalize("NFKC", text)
        try:
            import opencc

            text = opencc.OpenCC("t2s").convert(text)
        except ImportError:
            pass
        return re.sub(r"(?<=[\u4e00-\u9fff])\n(?=[\u4e00-\u9fff])", "", text)
    return clean_text(text)


def body_text(raw: str) -> str:
    """Drop the reference list: every line from the first one starting with 参考文献."""
    lines = raw.splitlines()
    for number, line in enumerate(lines):
        if _REFERENCES.match(line):
            return "\n".join(lines[:number])
    return raw


def evaluate_quality(gazetteer: Gazetteer, shared: Path, *, verbose: bool = False) -> dict[str, Any]:
    """Document-level precision, recall and F1 of known ids against the gold files."""
    tp = fp = fn = 0
    per_doc: list[dict[str, Any]] = []
    for gold_path in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc_path = shared / gold["file"]
        if not doc_path.exists():
            continue
        text = clean(body_text(doc_path.read_text(encoding="utf-8")))
        found = {m.id for m in gazetteer.find(text) if m.known}
        expected = set(gold.get("agglomerations") or [])
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        per_doc.append(
            {
                "file": gold["file"],
                "missed": sorted(expected - found),
                "extra": sorted(found - expected),
            }
        )
        if verbose:
            print(f"{gold['file']}: missed={sorted(expected - found)} extra={sorted(found - expected)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "documents": per_doc,
    }


def dev_texts(shared: Path) -> list[str]:
    """Clean texts of the dev rows of the real corpus (held-out rows are skipped unread)."""
    root = shared / "corpus" / "real"
    with (root / "MANIFEST.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle) if row.get("split") == "dev"]
    texts = []
    for doc_id in ids:
        path = root / "txt" / f"{doc_id}.txt"
        if path.exists():
            texts.append(clean(path.read_text(encoding="utf-8")))
    return texts


def measure_speed(gazetteer: Gazetteer, texts: list[str], *, repeat: int = 3) -> dict[str, Any]:
    """Best-of-``repeat`` characters per second of ``find`` over ``texts``."""
    chars = sum(len(t) for t in texts)
    gazetteer.find("京津冀")  # compile once, outside the timing
    best = float("inf")
    mentions = 0
    for _ in range(repeat):
        started = time.perf_counter()
        mentions = sum(len(gazetteer.find(t)) for t in texts)
        best = min(best, time.perf_counter() - started)
    return {
        "documents": len(texts),
        "chars": chars,
        "seconds": best,
        "chars_per_second": chars / best if best else float("inf"),
        "mentions": mentions,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument("--shared", type=Path, default=default_shared, help="the shared/ folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--verbose", action="store_true", help="print misses and extras per document")
    args = parser.parse_args(argv)
    if not (args.shared / "gold").is_dir():
        print(f"no gold folder under {args.shared}; pass --shared", file=sys.stderr)
        return 2
    gazetteer = Gazetteer.load()
    quality = evaluate_quality(gazetteer, args.shared, verbose=args.verbose and not args.json)
    speed = measure_speed(gazetteer, dev_texts(args.shared))
    if args.json:
        print(
            json.dumps(
                {"gazetteer_version": gazetteer.version, "quality": quality, "speed": speed},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"gazetteer {gazetteer.version}: {len(gazetteer)} entries")
        print(
            f"agglomerations: P={quality['precision']:.3f} R={quality['recall']:.3f} F1={quality['f1']:.3f} "
            f"(tp={quality['tp']} fp={quality['fp']} fn={quality['fn']})"
        )
        print(
            f"speed: {speed['chars_per_second'] / 1e6:.2f} M chars/s over {speed['documents']} dev documents "
            f"({speed['chars']} chars, {speed['mentions']} mentions)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
