"""Evaluate document metadata (date, doc_type) on the seeds and the real corpus.

Usage::

    python benchmarks/metadata_eval.py [--shared ../shared] [--verbose]

Data:

- ``shared/seeds/*.txt`` against ``shared/gold/*.json`` (``date``, ``doc_type``);
- the ``dev`` rows of ``shared/corpus/real/MANIFEST.csv`` (``date``, ``doc_type``).
  The ``heldout`` rows are never read.

Scoring:

- a predicted date agrees with the reference *to the reference's precision*: it
  starts with the reference ("2021-03-05" agrees with "2021"), and a prediction
  less precise than the reference does not agree ("2021" vs "2021-03-05"); this is
  ``date_agrees`` of ``shared/tools/score_extract.py``;
- MANIFEST ``doc_type`` is mapped to policytext's types: ``report`` (government
  work reports) → ``official``; ``other`` (the laws and regulations of the corpus)
  → ``official``: both are official texts; ``article`` and ``news`` stay.

Besides the full rules, the script reports the *weak year guess* alone (the
latest year a text refers to, see :func:`policytext.ingest.metadata.weak_year_guess`)
on the dev documents, compared with the reference year: that is the evidence for
keeping it as the last-resort rule.

The text given to the metadata extractor is the reader's text (no further cleaning),
so the figures do not depend on the cleaning stage.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from policytext.ingest.metadata import extract_metadata, weak_year_guess
from policytext.ingest.readers import read_document

MANIFEST_TYPE = {"report": "official", "other": "official", "article": "article", "news": "news"}


def date_agrees(pred: str | None, gold: str | None) -> bool:
    """Agreement to the reference's precision (as in shared/tools/score_extract.py)."""
    if not gold:
        return True
    if not pred:
        return False
    return pred.startswith(gold) or (gold.startswith(pred) and len(pred) >= len(gold))


@dataclass
class Row:
    """One evaluated document."""

    name: str
    gold_date: str | None
    gold_type: str
    pred_date: str | None
    date_source: str | None
    pred_type: str
    weak: str | None
    why: str


def evaluate(path: Path, gold_date: str | None, gold_type: str, today: date) -> Row:
    """Run the reader and the metadata extractor on one file."""
    extracted = read_document(path)
    text = "\n".join(extracted.pages)
    meta = extract_metadata(text, path=str(path), format_meta=extracted.meta, today=today)
    weak = weak_year_guess(text, title=meta.title, today=today)
    return Row(
        path.stem,
        gold_date,
        gold_type,
        meta.date,
        meta.date_source,
        meta.doc_type,
        weak.value if weak else None,
        meta.sources.get("date", ""),
    )


def summarise(label: str, rows: list[Row], *, verbose: bool) -> dict[str, float]:
    """Print and return date accuracy, doc_type agreement and the weak-guess year accuracy."""
    dated = [r for r in rows if r.gold_date]
    date_ok = sum(date_agrees(r.pred_date, r.gold_date) for r in dated)
    type_ok = sum(r.pred_type == r.gold_type for r in rows)
    weak_rows = [r for r in dated if r.weak]
    weak_ok = sum(r.weak == (r.gold_date or "")[:4] for r in weak_rows)
    figures = {
        "documents": float(len(rows)),
        "date_accuracy": date_ok / len(dated) if dated else float("nan"),
        "doc_type_agreement": type_ok / len(rows) if rows else float("nan"),
        "weak_year_accuracy": weak_ok / len(weak_rows) if weak_rows else float("nan"),
        "weak_year_coverage": len(weak_rows) / len(dated) if dated else float("nan"),
    }
    print(f"== {label}: {len(rows)} documents")
    print(
        f"   date accuracy (to the reference's precision): {date_ok}/{len(dated)} "
        f"= {figures['date_accuracy']:.3f}"
    )
    print(f"   doc_type agreement: {type_ok}/{len(rows)} = {figures['doc_type_agreement']:.3f}")
    print(
        f"   weak year guess alone, year accuracy: {weak_ok}/{len(weak_rows)} = "
        f"{figures['weak_year_accuracy']:.3f} (covers {len(weak_rows)}/{len(dated)})"
    )
    sources: dict[str, int] = {}
    for r in rows:
        sources[str(r.date_source)] = sources.get(str(r.date_source), 0) + 1
    print(f"   date sources: {dict(sorted(sources.items()))}")
    for r in rows:
        bad_date = not date_agrees(r.pred_date, r.gold_date)
        bad_type = r.pred_type != r.gold_type
        if verbose or bad_date or bad_type:
            flag = ("DATE " if bad_date else "") + ("TYPE" if bad_type else "")
            print(
                f"   {flag or 'ok':10s} {r.name}: date {r.pred_date} [{r.date_source}] vs {r.gold_date}; "
                f"type {r.pred_type} vs {r.gold_type}; weak {r.weak}"
            )
            if verbose or bad_date:
                print(f"              why: {r.why}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--shared",
        default=str(Path(__file__).resolve().parents[1].parent / "shared"),
        help="the shared folder (default: ../shared beside the project)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="list every document")
    parser.add_argument("--today", default=None, help="reference day YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    today = date.fromisoformat(args.today) if args.today else date.today()
    if not (shared / "seeds").is_dir():
        print(f"no seeds under {shared}; pass --shared", file=sys.stderr)
        return 2

    seed_rows = []
    for gold_path in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        seed_rows.append(
            evaluate(shared / gold["file"], gold.get("date"), gold.get("doc_type", "other"), today)
        )
    seeds = summarise("seeds (gold/)", seed_rows, verbose=args.verbose)

    dev_rows = []
    manifest = shared / "corpus" / "real" / "MANIFEST.csv"
    with manifest.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["split"] != "dev":
                continue
            path = shared / "corpus" / "real" / "txt" / f"{row['id']}.txt"
            dev_rows.append(
                evaluate(path, row["date"] or None, MANIFEST_TYPE.get(row["doc_type"], "other"), today)
            )
    dev = summarise("corpus/real dev (MANIFEST)", dev_rows, verbose=args.verbose)

    print(
        f"seeds_date_acc={seeds['date_accuracy']:.3f} seeds_type_acc={seeds['doc_type_agreement']:.3f} "
        f"dev_date_acc={dev['date_accuracy']:.3f} dev_type_acc={dev['doc_type_agreement']:.3f} "
        f"dev_weak_year_acc={dev['weak_year_accuracy']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
