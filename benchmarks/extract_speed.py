"""Extraction speed, one core, next to plain jieba segmentation of the same text.

Usage: python benchmarks/extract_speed.py [FOLDER ...]   (default: ../shared/corpus/real/txt)

Prints characters per second for: cleaning, extraction with rules only, extraction with
rules + model, and jieba segmentation (its own Tokenizer instance, default dictionary),
and the ratio extraction / jieba (the target is at least 0.5).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jieba

from policytext.extract import Extractor
from policytext.ingest.document import build_document


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    folders = [Path(a) for a in argv] or [root.parent / "shared" / "corpus" / "real" / "txt"]
    files = sorted(p for f in folders for p in (f.rglob("*.txt") if f.is_dir() else [f]))
    if not files:
        print("no input files; pass a folder of .txt files", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    docs = [build_document(f) for f in files]
    t_build = time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)

    def rate(fn) -> float:
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return chars / best

    rules = Extractor.load(model=False)
    full = Extractor.load()
    tk = jieba.Tokenizer()
    jieba.setLogLevel(60)
    tk.initialize()
    r_rules = rate(lambda: [rules.extract(d) for d in docs])
    r_full = rate(lambda: [full.extract(d) for d in docs])
    r_jieba = rate(lambda: [list(tk.cut(d.text)) for d in docs])
    print(f"{len(docs)} documents, {chars:,} characters (clean text)")
    print("| stage (one core) | characters/s | vs jieba |")
    print("|---|---|---|")
    print(
        f"| read + clean + sentences + metadata | {chars / t_build:,.0f} | {chars / t_build / r_jieba:.2f}× |"
    )
    print(f"| extraction, rules only | {r_rules:,.0f} | {r_rules / r_jieba:.2f}× |")
    print(f"| extraction, rules + model (shipped) | {r_full:,.0f} | {r_full / r_jieba:.2f}× |")
    print(f"| plain jieba segmentation (reference) | {r_jieba:,.0f} | 1.00× |")
    ok = r_full >= 0.5 * r_jieba
    print(f"target extraction >= 0.5 × jieba: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
