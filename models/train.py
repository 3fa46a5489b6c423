"""Train the mechanism model from the adjudicated annotations and ship it into the package.

Run from the project root::

    .venv/bin/python models/train.py                       # corpora/annotations/adjudicated
    .venv/bin/python models/train.py --genre-table         # also the CV table by genre
    .venv/bin/python models/train.py corpora/annotations/real --no-ship --out /tmp/m   # a trial

``models/mechanisms`` is the source of the trained artefact; ``--ship`` (the default)
copies it into ``policytext/data/models/mechanisms``, the copy the installed package loads.
Gold documents (``--gold``) are never read as training data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    from policytext.classify.training import ship, train_model
    from policytext.evaluate import format_cv_table

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("annotations", nargs="*", type=Path, default=[ROOT / "corpora" / "annotations" / "adjudicated"])
    ap.add_argument("--manifest", type=Path, default=SHARED / "corpus" / "real" / "MANIFEST.csv")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "mechanisms")
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--genre-table", action="store_true", help="print the cross-validation table by genre")
    ap.add_argument("--features", choices=("auto", "rules", "context"), default="auto",
                    help="feature set (auto: the one the document-grouped CV supports)")
    ap.add_argument("--no-ship", dest="ship", action="store_false", help="do not copy the model into the package")
    args = ap.parse_args(argv)
    for f in args.annotations:
        if not f.exists():
            print(f"error: {f}: no such annotation folder", file=sys.stderr)
            return 2
    clf, rows = train_model(args.annotations, manifest=args.manifest, gold=args.gold, cv=args.cv,
                            genre_table=args.genre_table, features=args.features)
    m = clf.meta["metrics"]
    print(f"trained on {clf.meta['n_examples']} sentences of {clf.meta['n_documents']} documents "
          f"({clf.meta['n_positive']} with a type); genres {json.dumps(clf.meta['genres'])}")
    print(f"document-grouped {args.cv}-fold CV: model P/R/F1 {m['micro_precision']}/{m['micro_recall']}/{m['micro_f1']}; "
          f"rules {m['union']['rules_only']}; policy {m['union']['policy']}")
    print(f"status: {json.dumps(clf.meta['status'])}")
    print(f"features: {json.dumps(clf.meta['feature_selection'])}")
    if rows:
        print(format_cv_table(rows))
    clf.save(args.out)
    print(f"saved {args.out} ({clf.version})")
    if args.ship:
        print(f"shipped into {ship(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
