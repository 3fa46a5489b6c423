"""A multi-label sentence classifier for mechanism types.

A scikit-learn ``Pipeline``: character 1–3-gram TF-IDF (Chinese needs no word
segmentation for this) -> one-vs-rest logistic regression. It complements the
rules: it finds paraphrases that no cue names ("污染治理费用应由迁入和迁出地两地共同承担").

Saved models are folders with ``model.joblib`` and ``meta.json`` (library versions,
training-data hash, label set, cross-validated metrics). Loading a model saved with
other library versions warns (:class:`~policytext.errors.VersionMismatchWarning`).
"""

from __future__ import annotations

import hashlib
import json
import platform
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from policytext.errors import ModelError, VersionMismatchWarning

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "mechanisms"


@dataclass
class LabelledSentence:
    """One training example."""

    text: str
    types: list[str]
    status: str | None = None
    source: str = ""


def make_pipeline(*, C: float = 4.0, min_df: int = 2, max_features: int = 120_000, random_state: int = 0) -> Any:
    """The estimator: char n-gram TF-IDF + one-vs-rest logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=min_df, sublinear_tf=True,
                                      max_features=max_features, dtype=np.float32)),
            ("clf", OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=2000,
                                                           random_state=random_state, solver="liblinear"))),
        ]
    )


def data_hash(examples: Sequence[LabelledSentence]) -> str:
    """sha256 over the sorted (text, types) pairs: identifies a training set."""
    h = hashlib.sha256()
    for text, types in sorted((e.text, ",".join(sorted(e.types))) for e in examples):
        h.update(text.encode("utf-8") + b"\t" + types.encode() + b"\n")
    return h.hexdigest()


def versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import sklearn

    import policytext

    return {"policytext": policytext.__version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


@dataclass
class MechanismClassifier:
    """A fitted classifier with its label set, threshold and metadata."""

    labels: list[str]
    pipeline: Any = None
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """A short identifier: name@training-data-hash prefix."""
        return f"{self.meta.get('name', 'mechanisms')}@{str(self.meta.get('data_sha256', ''))[:12]}"

    @classmethod
    def train(cls, examples: Sequence[LabelledSentence], *, labels: Sequence[str], cv: int = 5,
              random_state: int = 0, name: str = "mechanisms", threshold: float | None = None,
              rules: Callable[[str], set[str]] | None = None) -> MechanismClassifier:
        """Fit on labelled sentences; measure cross-validated P/R/F1 and pick the threshold.

        Args:
            examples: sentences with their types (an empty list = a negative example).
            labels: the taxonomy's type ids (types absent from the data are kept, never predicted).
            cv: folds for cross-validation (0 to skip).
            threshold: probability threshold; None picks the one with the best CV micro-F1.
            rules: the rule matcher (sentence -> types). When given, the cross-validated
                probabilities are united with the rules' predictions and the probability a
                model-only prediction needs (``add_threshold``) is chosen for the best
                micro-F1 of the union, on the training data only.
        """
        from sklearn.model_selection import KFold
        from sklearn.preprocessing import MultiLabelBinarizer

        if len(examples) < 20:
            raise ModelError(f"only {len(examples)} labelled sentences; training needs at least 20 (add annotations)")
        present = [lab for lab in labels if any(lab in e.types for e in examples)]
        mlb = MultiLabelBinarizer(classes=present)
        texts = [e.text for e in examples]
        y = mlb.fit_transform([[t for t in e.types if t in present] for e in examples])
        metrics: dict[str, Any] = {}
        if cv and cv > 1:
            probs = np.zeros(y.shape, dtype=float)
            for tr, te in KFold(cv, shuffle=True, random_state=random_state).split(texts):
                model = make_pipeline(random_state=random_state)
                cols = [j for j in range(y.shape[1]) if y[tr, j].any() and not y[tr, j].all()]
                if not cols:
                    continue
                model.fit([texts[i] for i in tr], y[np.ix_(tr, cols)])
                p = model.predict_proba([texts[i] for i in te])
                probs[np.ix_(te, cols)] = p
            grid = [round(x, 2) for x in np.arange(0.3, 0.91, 0.05)]
            scores = {t: _micro(y, probs >= t) for t in grid}
            best_t = max(grid, key=lambda t: (scores[t][2], t))
            chosen = threshold if threshold is not None else best_t
            p_, r_, f_ = _micro(y, probs >= chosen)
            union: dict[str, Any] = {}
            if rules is not None:
                rule_pred = np.zeros(y.shape, dtype=bool)
                for i, text in enumerate(texts):
                    for lab in rules(text):
                        if lab in present:
                            rule_pred[i, present.index(lab)] = True
                union = {"rules_only": [round(v, 4) for v in _micro(y, rule_pred)]}
                grid_u = [round(x, 2) for x in np.arange(0.5, 0.99, 0.05)]
                union_scores = {t: _micro(y, rule_pred | (probs >= t)) for t in grid_u}
                best_u = max(grid_u, key=lambda t: (union_scores[t][2], t))
                union.update({"add_threshold": best_u, "rules_plus_model": [round(v, 4) for v in union_scores[best_u]]})
            metrics = {
                "union": union,
                "cv_folds": cv, "threshold": chosen, "micro_precision": round(p_, 4), "micro_recall": round(r_, 4),
                "micro_f1": round(f_, 4),
                "per_type": {lab: dict(zip(("precision", "recall", "f1", "support"),
                                           (*(round(v, 4) for v in _micro(y[:, [j]], probs[:, [j]] >= chosen)),
                                            int(y[:, j].sum()))))
                             for j, lab in enumerate(present)},
            }
        else:
            chosen = threshold if threshold is not None else 0.5
        pipe = make_pipeline(random_state=random_state)
        pipe.fit(texts, y)
        meta = {
            "name": name, "labels": present, "taxonomy_labels": list(labels), "threshold": chosen,
            "n_examples": len(examples), "n_positive": int((y.sum(axis=1) > 0).sum()),
            "support": {lab: int(y[:, j].sum()) for j, lab in enumerate(present)},
            "data_sha256": data_hash(examples), "versions": versions(), "metrics": metrics,
            "features": "char 1-3-gram TF-IDF (sublinear), one-vs-rest logistic regression (balanced)",
        }
        if metrics.get("union", {}).get("add_threshold") is not None:
            meta["add_threshold"] = metrics["union"]["add_threshold"]
        return cls(labels=present, pipeline=pipe, threshold=chosen, meta=meta)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_labels), columns in ``labels`` order."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        probs = np.asarray(self.pipeline.predict_proba(list(texts)))
        if len(self.labels) == 1 and probs.ndim == 2 and probs.shape[1] == 2:
            probs = probs[:, 1:]  # one label: the estimator is binary and returns P(0), P(1)
        return probs

    def predict(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Types at or above the threshold for each text, with their probabilities."""
        probs = self.predict_proba(texts)
        return [[(self.labels[j], float(row[j])) for j in np.flatnonzero(row >= self.threshold)] for row in probs]

    # -- persistence --------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write ``model.joblib`` and ``meta.json`` into ``folder``."""
        import joblib

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        joblib.dump({"pipeline": self.pipeline, "labels": self.labels, "threshold": self.threshold},
                    out / "model.joblib", compress=3)
        (out / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
        return out

    @classmethod
    def load(cls, folder: str | Path | None = None) -> MechanismClassifier:
        """Load a saved model; warns when it was saved with other library versions.

        Raises:
            ModelError: the folder or its files are missing or unreadable.
        """
        import joblib

        src = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
        meta_path, model_path = src / "meta.json", src / "model.joblib"
        if not model_path.exists() or not meta_path.exists():
            raise ModelError(f"{src}: no trained model here (model.joblib and meta.json); run `policytext train` "
                             "or pass --model pointing at a model folder")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        saved, running = meta.get("versions", {}), versions()
        diff = {k: (saved.get(k), running[k]) for k in ("scikit-learn", "policytext") if saved.get(k) != running[k]}
        if diff:
            warnings.warn(f"model {src} was saved with {', '.join(f'{k} {a}' for k, (a, b) in diff.items())}; "
                          f"running {', '.join(f'{k} {b}' for k, (a, b) in diff.items())}: retrain with `policytext train`",
                          VersionMismatchWarning, stacklevel=2)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                blob = joblib.load(model_path)
        except Exception as exc:  # noqa: BLE001 - any unpickling failure means the same to the user
            raise ModelError(f"{model_path}: cannot load the model ({exc}); retrain with `policytext train`") from exc
        return cls(labels=list(blob["labels"]), pipeline=blob["pipeline"], threshold=float(blob["threshold"]), meta=meta)


def _micro(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.logical_and(y == 1, pred).sum())
    fp = float(np.logical_and(y == 0, pred).sum())
    fn = float(np.logical_and(y == 1, ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load_training_data(folders: Iterable[str | Path], *, corpora_root: str | Path | None = None) -> list[LabelledSentence]:
    """Read labelled sentences from annotation folders.

    Two formats are read:
    - ``*.jsonl``: one ``{"sentence", "types", "status", ...}`` object per line (every line
      an example; ``types: []`` is a negative);
    - ``*.json`` in the gold format of the project (``file`` + ``mechanisms``): the listed
      sentences are positives and every other sentence of the source document is a
      negative (the source is looked up under ``corpora_root``, e.g. ``corpora/sources/<id>.txt``).
    Duplicated sentences keep the union of their types.
    """
    from policytext.clean.pipeline import clean_text
    from policytext.clean.sentences import split_sentences

    merged: dict[str, LabelledSentence] = {}

    def add(text: str, types: list[str], status: str | None, source: str) -> None:
        text = clean_text(text, reflow_lines=False).strip()
        if not text:
            return
        cur = merged.get(text)
        if cur is None:
            merged[text] = LabelledSentence(text, sorted(set(types)), status, source)
        else:
            cur.types = sorted(set(cur.types) | set(types))

    for folder in folders:
        base = Path(folder)
        files = sorted(base.rglob("*.jsonl")) + sorted(base.rglob("*.json")) if base.is_dir() else [base]
        for f in files:
            if f.suffix == ".jsonl":
                for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ModelError(f"{f}:{n}: not valid JSON ({exc}); fix the line or remove it") from exc
                    add(row["sentence"], list(row.get("types") or []), row.get("status"), f"{f.name}:{n}")
            elif f.suffix == ".json":
                gold = json.loads(f.read_text(encoding="utf-8"))
                if "mechanisms" not in gold:
                    continue
                positives = {}
                for m in gold["mechanisms"]:
                    positives[clean_text(m["sentence"], reflow_lines=False).strip()] = (m["types"], m.get("status"))
                src = _find_source(gold.get("file", ""), f, corpora_root)
                if src is not None:
                    text = clean_text(src.read_text(encoding="utf-8"))
                    for s in split_sentences(text):
                        if s.text not in positives:
                            add(s.text, [], None, f"{f.name}")
                for text, (types, status) in positives.items():
                    add(text, types, status, f.name)
    return list(merged.values())


def _find_source(file_field: str, ann: Path, root: str | Path | None) -> Path | None:
    stem = Path(file_field).stem or ann.stem
    candidates = []
    if root is not None:
        candidates.append(Path(root) / "sources" / f"{stem}.txt")
    candidates.append(ann.parents[2] / "sources" / f"{stem}.txt" if len(ann.parents) > 2 else ann)
    return next((c for c in candidates if c.exists() and c.suffix == ".txt"), None)
