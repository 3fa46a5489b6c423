"""Scoring extraction output against gold annotations (the format of spec/GOLD.md).

The metrics are those of the project's reference scorer: document-level set P/R/F1 of
agglomeration ids; micro P/R/F1 over (sentence, type) pairs, a predicted sentence
matching a gold one when they share a run of at least 60% of the shorter after
removing white space and punctuation; per-type figures; status accuracy on matched
pairs; date accuracy to the gold's precision.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def norm(text: str) -> str:
    """NFKC and remove white space and punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or ""))


def same_sentence(a: str, b: str) -> bool:
    """Whether two normalised sentences match (containment or a 60% common run)."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_:
        return True
    m = SequenceMatcher(None, short, long_, autojunk=False).find_longest_match(0, len(short), 0, len(long_))
    return m.size >= 0.6 * len(short)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def date_agrees(pred: Any, gold: Any) -> bool:
    """The predicted date agrees with the gold to the gold's precision."""
    if not gold:
        return True
    if not pred:
        return False
    p, g = str(pred), str(gold)
    return p.startswith(g) or (g.startswith(p) and len(p) >= len(g))


def score(
    output: dict[str, Any], gold_dir: str | os.PathLike[str], *, details: bool = False
) -> dict[str, Any]:
    """Score a ``policytext/v1`` object against every ``*.json`` gold file in ``gold_dir``."""
    out = {Path(d.get("path") or d.get("id") or "").stem: d for d in output.get("documents", [])}
    golds = sorted(Path(gold_dir).glob("*.json"))
    ag: Counter[str] = Counter(tp=0, fp=0, fn=0)
    mc: Counter[str] = Counter(tp=0, fp=0, fn=0)
    per_type: Counter[tuple[str, str]] = Counter()
    status_ok = status_n = date_ok = date_n = 0
    missing: list[str] = []
    notes: list[str] = []
    for gpath in golds:
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        key = Path(gold["file"]).stem
        doc = out.get(key)
        if doc is None:
            missing.append(key)
            doc = {"agglomerations": [], "mentions": [], "date": None}
        gset = set(gold.get("agglomerations", []))
        pset = {a["id"] if isinstance(a, dict) else a for a in doc.get("agglomerations", [])}
        ag["tp"] += len(gset & pset)
        ag["fp"] += len(pset - gset)
        ag["fn"] += len(gset - pset)
        if gold.get("date"):
            date_n += 1
            ok = date_agrees(doc.get("date"), gold["date"])
            date_ok += int(ok)
            if not ok:
                notes.append(f"{key}: date {doc.get('date')} != gold {gold['date']}")
        gpairs = [
            (norm(g["sentence"]), t, g.get("status"), g["sentence"])
            for g in gold.get("mechanisms", [])
            for t in g["types"]
        ]
        preds: dict[tuple[str, str], Any] = {}
        for m in doc.get("mentions", []):
            if m.get("kind") != "mechanism":
                continue
            k = (norm(m.get("sentence") or m.get("text") or ""), m.get("type"))
            preds.setdefault(k, (m.get("attributes") or {}).get("status"))
        matched: set[tuple[str, str]] = set()
        for gs, gt, gst, graw in gpairs:
            hit = next(
                (
                    (ps, pt)
                    for (ps, pt) in preds
                    if pt == gt and (ps, pt) not in matched and same_sentence(gs, ps)
                ),
                None,
            )
            if hit:
                matched.add(hit)
                mc["tp"] += 1
                per_type[(gt, "tp")] += 1
                if gst:
                    status_n += 1
                    status_ok += int(preds[hit] == gst)
            else:
                mc["fn"] += 1
                per_type[(gt, "fn")] += 1
                notes.append(f"{key}: missed {gt}: {graw[:80]}")
        for ps, pt in preds:
            if (ps, pt) in matched or any(pt == gt and same_sentence(gs, ps) for gs, gt, _, _ in gpairs):
                continue
            mc["fp"] += 1
            per_type[(pt, "fp")] += 1
            notes.append(f"{key}: false alarm {pt}: {ps[:80]}")
    ap, ar, af = prf(ag["tp"], ag["fp"], ag["fn"])
    mp, mr, mf = prf(mc["tp"], mc["fp"], mc["fn"])
    types = sorted({t for t, _ in per_type})
    result: dict[str, Any] = {
        "documents_scored": len(golds),
        "documents_missing_from_output": missing,
        "agglomerations": {
            "precision": ap,
            "recall": ar,
            "f1": af,
            "tp": ag["tp"],
            "fp": ag["fp"],
            "fn": ag["fn"],
        },
        "mechanisms": {
            "precision": mp,
            "recall": mr,
            "f1": mf,
            "tp": mc["tp"],
            "fp": mc["fp"],
            "fn": mc["fn"],
        },
        "status_accuracy": status_ok / status_n if status_n else None,
        "date_accuracy": date_ok / date_n if date_n else None,
        "per_type": {
            t: dict(
                zip(
                    ("precision", "recall", "f1"),
                    prf(per_type[(t, "tp")], per_type[(t, "fp")], per_type[(t, "fn")]),
                ),
                tp=per_type[(t, "tp")],
                fp=per_type[(t, "fp")],
                fn=per_type[(t, "fn")],
            )
            for t in types
        },
    }
    if details:
        result["details"] = notes
    return result


def summary_line(result: dict[str, Any]) -> str:
    """The last line of the reference scorer."""
    da, sa = result["date_accuracy"], result["status_accuracy"]
    return (
        f"mechanism_f1={result['mechanisms']['f1']:.3f} "
        f"agglomeration_f1={result['agglomerations']['f1']:.3f} "
        f"date_acc={'na' if da is None else f'{da:.3f}'} status_acc={'na' if sa is None else f'{sa:.3f}'}"
    )


def format_cv_table(rows: list[dict[str, Any]]) -> str:
    """The grouped cross-validation table (from :func:`policytext.classify.model.genre_cv`) as text."""
    head = (
        f"{'held-out genre':18s} {'docs':>4s} {'sents':>6s} {'pairs':>5s}  {'rules P/R/F1':>17s}  "
        f"{'model P/R/F1':>17s}  {'policy P/R/F1':>17s}  {'status rule':>11s} {'status model':>12s}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:

        def trio(v: list[float]) -> str:
            return f"{v[0]:.2f}/{v[1]:.2f}/{v[2]:.2f}"

        sr, sm = r.get("status_rules"), r.get("status_model")
        lines.append(
            f"{r['genre']:18s} {r['documents']:4d} {r['sentences']:6d} {r['pairs']:5d}  "
            f"{trio(r['rules']):>17s}  {trio(r['model']):>17s}  {trio(r['policy']):>17s}  "
            f"{'-' if sr is None else f'{sr:.3f}':>11s} {'-' if sm is None else f'{sm:.3f}':>12s}"
        )
    return "\n".join(lines)


def model_cv_report(model: Any = None) -> str:
    """The cross-validation figures stored with a model (default: the shipped one), as text.

    Prints the model's identity and training data, the document-grouped CV figures, the
    table by held-out genre and the status choice: what ``policytext eval`` shows
    beside the gold figures. ``model`` is a :class:`~policytext.classify.model.MechanismClassifier`
    or a model folder.
    """
    from policytext.classify.model import POLICY_MARGIN, MechanismClassifier

    clf = model if isinstance(model, MechanismClassifier) else MechanismClassifier.load(model)
    meta = clf.meta
    head = (
        f"model {clf.version}: {meta.get('n_examples', '?')} sentences "
        f"of {meta.get('n_documents', '?')} documents ({meta.get('n_positive', '?')} with a type); "
        f"genres {json.dumps(meta.get('genres', {}))}; "
        f"trained on {', '.join(meta.get('training_folders', [])) or 'unrecorded data'}"
    )
    lines = [head]
    m = meta.get("metrics") or {}
    if m:
        union = m.get("union") or {}
        lines.append(
            f"{m.get('grouping', 'sentence')}-grouped {m.get('cv_folds')}-fold CV: model "
            f"P/R/F1 {m.get('micro_precision')}/{m.get('micro_recall')}/{m.get('micro_f1')}; "
            f"rules {union.get('rules_only')}; "
            f"rules+model policy {union.get('policy', union.get('rules_plus_model'))}"
        )
        by_genre = union.get("by_genre") or {}
        if by_genre:
            lines.append(
                f"held out by genre (train on the other genres): rules {by_genre.get('rules_only')}; "
                f"rules+model policy {by_genre.get('policy')}"
            )
    policy = meta.get("policy") or {}
    basis = (
        "the CVs by document and by genre" if (m.get("union") or {}).get("by_genre") else "the CV by document"
    )
    if policy:
        with_model = sorted(t for t, p in policy.items() if float(p.get("add", 1.01)) <= 1.0 or p.get("keep"))
        lines.append(
            f"policy (chosen on {basis}; the model takes part where it beats the rules by "
            f"{POLICY_MARGIN} F1): model with rules for {', '.join(with_model) or 'no type'}; "
            f"rules alone for the other {len(policy) - len(with_model)} types"
        )
    if meta.get("genre_cv"):
        lines.append(format_cv_table(meta["genre_cv"]))
    if meta.get("status"):
        lines.append(f"status: {json.dumps(meta['status'])}")
    return "\n".join(lines)
