"""Annotation workflow of spec/ANNOTATING.md: sentence sheets, agreement, calibration,
adjudication sheets and the adjudicated training set.

Every sentence of a document is a unit. Sentences are cut by policytext's own reader
and cleaner, so the labels line up with what the extractor sees. An annotator writes
one ``<doc>.jsonl`` per document into their own folder, one line per sentence that
carries a type (sentences not listed carry none; an empty file means "read, none")::

    {"i": 12, "types": ["cost_sharing"], "status": "proposed"}

Commands (run from the project root)::

    python corpora/annotate.py dump DOC_ID ... --out SHEETS
    python corpora/annotate.py agree RAW_A RAW_B --sheets SHEETS
    python corpora/annotate.py calibrate RAW_A --sheets SHEETS [--gold ../shared/gold]
    python corpora/annotate.py disagreements RAW_A RAW_B --sheets SHEETS --out FILE.jsonl
    python corpora/annotate.py remap ADJUDICATED --sheets SHEETS      # after the sentence cut changed
    python corpora/annotate.py build --raw RAW_A RAW_B ... --decisions DECISIONS.jsonl --sheets SHEETS --out DIR
        [--review REVIEW.jsonl]   # a third reader's consistency review: overrides agreed lines too

``agree`` and ``calibrate`` print per-document and pooled F1 over (sentence, type)
pairs (calibration matches sentences as the shared scorer does) and status agreement
on the pairs both sides have.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def source_path(doc: str) -> Path:
    """The text file of a document id of the shared corpus (real corpus or seeds)."""
    for p in (SHARED / "corpus" / "real" / "txt" / f"{doc}.txt", SHARED / "seeds" / f"{doc}.txt"):
        if p.exists():
            return p
    raise SystemExit(f"error: no document {doc!r} under {SHARED}/corpus/real/txt or {SHARED}/seeds")


def read_sheet(sheets: Path, doc: str) -> list[str]:
    """The sentences of ``doc`` in order (index = line number)."""
    out = []
    for line in (sheets / f"{doc}.tsv").read_text(encoding="utf-8").splitlines():
        i, _, text = line.partition("\t")
        assert int(i) == len(out), f"{doc}: sheet line {i} out of order"
        out.append(text)
    return out


def read_raw(folder: Path, doc: str) -> dict[int, tuple[frozenset[str], str | None]] | None:
    """An annotator's labels of ``doc``: sentence index -> (types, status); None if not done."""
    path = folder / f"{doc}.jsonl"
    if not path.exists():
        return None
    labels: dict[int, tuple[frozenset[str], str | None]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            types = frozenset(rec.get("types") or [])
            if types:
                labels[int(rec["i"])] = (types, rec.get("status"))
        except (ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"error: {path}:{n}: not an annotation line ({exc})") from exc
    return labels


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairs(labels: dict[int, tuple[frozenset[str], str | None]]) -> set[tuple[int, str]]:
    return {(i, t) for i, (ts, _) in labels.items() for t in ts}


def cmd_dump(args: argparse.Namespace) -> None:
    from policytext.classify.model import annotation_sentences

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for doc in args.docs:
        lines = [f"{i}\t{text}" for i, text in enumerate(annotation_sentences(source_path(doc)))]
        (out / f"{doc}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{doc}: {len(lines)} sentences")


def agreement(a: Path, b: Path, docs: list[str]) -> list[dict]:
    rows = []
    for doc in docs:
        la, lb = read_raw(a, doc), read_raw(b, doc)
        if la is None or lb is None:
            continue
        pa, pb = pairs(la), pairs(lb)
        tp, fp, fn = len(pa & pb), len(pa - pb), len(pb - pa)
        both = [i for i in la if i in lb and la[i][0] & lb[i][0]]
        same_status = sum(1 for i in both if la[i][1] == lb[i][1])
        rows.append({"doc": doc, "tp": tp, "fp": fp, "fn": fn, "f1": prf(tp, fp, fn)[2],
                     "status_pairs": len(both), "status_same": same_status})
    return rows


def print_rows(rows: list[dict], label: str) -> dict:
    tp = sum(r["tp"] for r in rows)
    fp = sum(r["fp"] for r in rows)
    fn = sum(r["fn"] for r in rows)
    sp = sum(r["status_pairs"] for r in rows)
    ss = sum(r["status_same"] for r in rows)
    for r in rows:
        print(f"  {r['doc']:<42} pairs {r['tp']:>3}/{r['fp']:>3}/{r['fn']:>3}  F1 {r['f1']:.3f}")
    p, r_, f = prf(tp, fp, fn)
    status = ss / sp if sp else 1.0
    print(f"{label}: {len(rows)} documents, P {p:.3f} R {r_:.3f} F1 {f:.3f}, status agreement {status:.3f} ({sp} sentences)")
    return {"documents": len(rows), "p": p, "r": r_, "f1": f, "status": status}


def cmd_agree(args: argparse.Namespace) -> None:
    sheets = Path(args.sheets)
    docs = sorted(p.stem for p in sheets.glob("*.tsv"))
    print_rows(agreement(Path(args.a), Path(args.b), docs), f"agreement {Path(args.a).name} vs {Path(args.b).name}")


def gold_files(gold_dir: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(gold_dir.glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        out[Path(g["file"]).stem] = g
    return out


def cmd_calibrate(args: argparse.Namespace) -> None:
    from policytext.evaluate import norm, same_sentence

    sheets = Path(args.sheets)
    golds = gold_files(Path(args.gold))
    rows = []
    for doc, g in golds.items():
        if not (sheets / f"{doc}.tsv").exists():
            continue
        labels = read_raw(Path(args.a), doc)
        if labels is None:
            continue
        sents = read_sheet(sheets, doc)
        gold = [(norm(m["sentence"]), set(m["types"]), m.get("status")) for m in g["mechanisms"]]
        pred = [(norm(sents[i]), set(ts), st) for i, (ts, st) in labels.items()]
        tp = fp = sp = ss = 0
        matched_gold: set[tuple[int, str]] = set()
        for ps, ptypes, pst in pred:
            for t in ptypes:
                hit = next((k for k, (gs, gt, _) in enumerate(gold)
                            if t in gt and (k, t) not in matched_gold and same_sentence(ps, gs)), None)
                if hit is None:
                    fp += 1
                    if args.show:
                        print(f"    FP {t}: {ps[:80]}")
                else:
                    tp += 1
                    matched_gold.add((hit, t))
                    sp += 1
                    ss += pst == gold[hit][2]
        fn = sum(len(gt) for _, gt, _ in gold) - len(matched_gold)
        if args.show:
            for k, (gs, gt, _) in enumerate(gold):
                for t in gt:
                    if (k, t) not in matched_gold:
                        print(f"    FN {t}: {gs[:80]}")
        rows.append({"doc": doc, "tp": tp, "fp": fp, "fn": fn, "f1": prf(tp, fp, fn)[2],
                     "status_pairs": sp, "status_same": ss})
    print_rows(rows, f"calibration of {Path(args.a).name} against gold")


def cmd_disagreements(args: argparse.Namespace) -> None:
    sheets = Path(args.sheets)
    out = []
    for doc in sorted(p.stem for p in sheets.glob("*.tsv")):
        la, lb = read_raw(Path(args.a), doc), read_raw(Path(args.b), doc)
        if la is None or lb is None:
            continue
        sents = read_sheet(sheets, doc)
        for i in sorted(set(la) | set(lb)):
            ta, sa = la.get(i, (frozenset(), None))
            tb, sb = lb.get(i, (frozenset(), None))
            if ta != tb or (ta & tb and sa != sb):
                out.append({"doc": doc, "i": i, "sentence": sents[i],
                            "context_before": sents[i - 1] if i else "",
                            "a": {"types": sorted(ta), "status": sa}, "b": {"types": sorted(tb), "status": sb}})
    Path(args.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} disagreements written to {args.out}")


def cmd_build(args: argparse.Namespace) -> None:
    """Adjudicated labels: agreed labels kept, each disagreement decided by DECISIONS.

    One line per sentence, ``{"doc", "i", "sha", "types", "status"}`` (``sha``: fingerprint of the
    sentence, see ``policytext.classify.model.sentence_digest``); training reads the sentence from
    the source text (``policytext train --texts``).
    """
    from policytext.classify.model import sentence_digest

    sheets = Path(args.sheets)

    def read_decisions(paths: list[str]) -> dict[tuple[str, int], dict]:
        found: dict[tuple[str, int], dict] = {}
        for path in paths:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    found[(d["doc"], int(d["i"]))] = d
        return found

    decisions = read_decisions(args.decisions)
    # A review applies one written rule to every line it lists, agreed or not (each with its reason)
    review = read_decisions(args.review)
    reviewed = 0
    by_doc: dict[str, list[Path]] = defaultdict(list)
    for folder in args.raw:
        for p in Path(folder).glob("*.jsonl"):
            by_doc[p.stem].append(Path(folder))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    missing = 0
    for doc, folders in sorted(by_doc.items()):
        if len(folders) != 2 or not (sheets / f"{doc}.tsv").exists():
            continue
        la, lb = (read_raw(f, doc) or {} for f in folders)
        sents = read_sheet(sheets, doc)
        lines = []
        for i, text in enumerate(sents):
            ta, sa = la.get(i, (frozenset(), None))
            tb, sb = lb.get(i, (frozenset(), None))
            if (doc, i) in review:
                d = review[(doc, i)]
                types, status = sorted(d.get("types") or []), d.get("status")
                reviewed += 1
            elif ta == tb and (not ta or sa == sb):
                types, status = sorted(ta), sa
            elif (doc, i) in decisions:
                d = decisions[(doc, i)]
                types, status = sorted(d.get("types") or []), d.get("status")
            else:
                missing += 1
                continue
            # index and fingerprint, not the sentence: the source text stays where it is
            lines.append(json.dumps({"doc": doc, "i": i, "sha": sentence_digest(text), "types": types,
                                     "status": status if types else None}, ensure_ascii=False))
        (out / f"{doc}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if missing:
        sys.exit(f"error: {missing} disagreements have no decision; adjudicate them first")
    if args.review:
        print(f"{reviewed} lines set by the review")
    print(f"adjudicated labels written to {out}")


def cmd_remap(args: argparse.Namespace) -> None:
    """Carry adjudicated labels over to the current sentence cut of their sources.

    When the reader or cleaner changes how a document is cut (e.g. markup in text inputs now read
    as HTML), index-based labels no longer point at their sentences. Each labelled sentence of the
    old cut (``--sheets``: the sheets the annotators read) is matched to the sentences of the new
    cut as the shared scorer matches sentences; every other sentence of the new cut is a negative
    (the whole document was read). A labelled sentence that matches nothing is reported.
    """
    from policytext.classify.model import annotation_sentences, sentence_digest
    from policytext.evaluate import norm, same_sentence

    folder, sheets = Path(args.adjudicated), Path(args.sheets)
    changed = lost = 0
    for path in sorted(folder.glob("*.jsonl")):
        doc = path.stem
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        old = read_sheet(sheets, doc)
        new = annotation_sentences(source_path(doc))
        if old == new:
            continue
        changed += 1
        labels: dict[int, tuple[list[str], str | None]] = {}
        for r in rows:
            if not r["types"]:
                continue
            o = norm(old[int(r["i"])])
            # the same sentence (white space and punctuation aside) takes the label once, at the
            # place nearest its old one; only a sentence the new cut changed is matched loosely
            exact = [j for j, t in enumerate(new) if norm(t) == o]
            if exact:
                j = min(exact, key=lambda k: abs(k - int(r["i"])))
                types, status = labels.get(j, ([], None))
                labels[j] = (sorted(set(types) | set(r["types"])), status or r["status"])
                continue
            # a fragment of the old sentence (a table cell now on its own) must hold a fair part of it
            # (if only fragments match, e.g. a table split into its rows, they all carry the labels)
            loose = [j for j, t in enumerate(new) if same_sentence(o, norm(t))]
            hits = [j for j in loose if 3 * len(norm(new[j])) >= len(o)] or loose
            if not hits:
                lost += 1
                print(f"  {doc}: sentence {r['i']} matches nothing in the new cut: {old[int(r['i'])][:60]}")
            for j in hits:
                types, status = labels.get(j, ([], None))
                labels[j] = (sorted(set(types) | set(r["types"])), status or r["status"])
        lines = [json.dumps({"doc": doc, "i": j, "sha": sentence_digest(t), "types": labels.get(j, ([], None))[0],
                             "status": labels.get(j, ([], None))[1]}, ensure_ascii=False) for j, t in enumerate(new)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{doc}: {len(old)} -> {len(new)} sentences, {sum(1 for r in rows if r['types'])} labelled -> {len(labels)}")
    print(f"{changed} documents re-cut, {lost} labelled sentences without a match")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("dump")
    p.add_argument("docs", nargs="+")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_dump)
    p = sub.add_parser("agree")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--sheets", required=True)
    p.set_defaults(func=cmd_agree)
    p = sub.add_parser("calibrate")
    p.add_argument("a")
    p.add_argument("--sheets", required=True)
    p.add_argument("--gold", default=str(SHARED / "gold"))
    p.add_argument("--show", action="store_true", help="print each disagreement with the gold")
    p.set_defaults(func=cmd_calibrate)
    p = sub.add_parser("disagreements")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--sheets", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_disagreements)
    p = sub.add_parser("remap")
    p.add_argument("adjudicated")
    p.add_argument("--sheets", required=True)
    p.set_defaults(func=cmd_remap)

    p = sub.add_parser("build")
    p.add_argument("--raw", nargs="+", required=True)
    p.add_argument("--decisions", nargs="*", default=[])
    p.add_argument("--review", nargs="*", default=[], help="reviewed lines that override agreed ones")
    p.add_argument("--sheets", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_build)
    args = ap.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
