"""A multi-label sentence classifier for mechanism types, and a status classifier.

Features: character 1–3-gram TF-IDF (Chinese needs no word segmentation for this) plus
the rule hits (and optionally heading / article / news context) as binary features;
one-vs-rest logistic regression, trained with scikit-learn. It complements the rules: it
finds paraphrases that no cue names ("污染治理费用应由迁入和迁出地两地共同承担") and
learns where a cue misleads.

Saved models are folders with ``model.npz`` (plain float32 arrays, no pickle; scored with
numpy alone, so loading takes about 0.1 s) and ``meta.json`` (library versions,
training-data hash, label set, the per-type policy, cross-validated metrics, the array
checksum). Loading a model saved with other library versions, or whose arrays do not
match its meta.json, warns (:class:`~policytext.errors.VersionMismatchWarning`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

from policytext.errors import ModelError, VersionMismatchWarning
from policytext.lexicons.taxonomy import STATUSES

MODEL_FILE = "model.npz"
_WS = re.compile(r"\s\s+")


@dataclass
class LabelledSentence:
    """One training example."""

    text: str
    types: list[str]
    status: str | None = None
    source: str = ""
    doc: str = ""
    genre: str = ""


def make_pipeline(
    *, C: float = 4.0, min_df: int = 2, max_features: int = 120_000, random_state: int = 0
) -> Any:
    """The estimator: char n-gram TF-IDF + one-vs-rest logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=(1, 3),
                    min_df=min_df,
                    sublinear_tf=True,
                    max_features=max_features,
                    dtype=np.float32,
                ),
            ),
            (
                "clf",
                OneVsRestClassifier(
                    LogisticRegression(
                        C=C,
                        class_weight="balanced",
                        max_iter=2000,
                        random_state=random_state,
                        solver="liblinear",
                    )
                ),
            ),
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
    from importlib.metadata import PackageNotFoundError, version

    import policytext

    try:
        sklearn_version = version("scikit-learn")
    except PackageNotFoundError:
        sklearn_version = "none"
    return {
        "policytext": policytext.__version__,
        "scikit-learn": sklearn_version,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


#: Texts vectorised at once by :meth:`CharNgramModel.decision` (the n-gram strings of a block
#: live together: a 2,000-page document's sentences at once took about 800 MB).
DECISION_BLOCK = 2000


@dataclass
class CharNgramModel:
    """The fitted weights as plain arrays: char n-gram TF-IDF + extra binary features -> logistic scores.

    Prediction needs numpy only (no scikit-learn import), and the arrays load in milliseconds.

    Attributes:
        vocab: the n-grams, index = feature column.
        idf: inverse document frequency per n-gram.
        extra: names of the extra binary features appended after the n-grams (``rule:<type>``).
        coef: weights, shape (n_outputs, len(vocab) + len(extra)).
        intercept: shape (n_outputs,).
    """

    vocab: list[str]
    idf: np.ndarray
    extra: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    ngram_range: tuple[int, int] = (1, 3)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _coef_by_feature: np.ndarray | None = field(default=None, repr=False)

    @property
    def index(self) -> dict[str, int]:
        """n-gram -> column (built on first use)."""
        if not self._index and self.vocab:
            self._index = {g: i for i, g in enumerate(self.vocab)}
        return self._index

    def features(self, text: str, extra: Iterable[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature row of one text: (column indices, values), l2-normalised TF-IDF then extras."""
        counts = Counter(char_ngrams(text, self.ngram_range))
        index = self.index
        cols, vals = [], []
        for g, c in counts.items():
            j = index.get(g)
            if j is not None:
                cols.append(j)
                vals.append((1.0 + math.log(c)) * float(self.idf[j]))
        v = np.asarray(vals, dtype=np.float64)
        norm_ = float(np.sqrt((v * v).sum())) if len(v) else 0.0
        if norm_:
            v = v / norm_
        names = set(extra)
        extra_cols = [len(self.vocab) + k for k, name in enumerate(self.extra) if name in names]
        return (np.asarray(cols + extra_cols, dtype=np.int64), np.concatenate([v, np.ones(len(extra_cols))]))

    def decision(self, texts: Sequence[str], extras: Sequence[Iterable[str]] | None = None) -> np.ndarray:
        """Linear scores, shape (n_texts, n_outputs).

        The texts are vectorised a block of :data:`DECISION_BLOCK` at a time: their n-grams are
        looked up in one pass, counted and weighted in numpy, and scored with one gather of the
        weight columns (the same features as :meth:`features`, row by row).
        """
        n, k = len(texts), self.coef.shape[0]
        if n > DECISION_BLOCK:  # rows are independent: blocks bound the memory of a long document
            return np.vstack(
                [
                    self.decision(
                        texts[a : a + DECISION_BLOCK],
                        None if extras is None else extras[a : a + DECISION_BLOCK],
                    )
                    for a in range(0, n, DECISION_BLOCK)
                ]
            )
        out = np.zeros((n, k))
        if not n:
            return out + self.intercept
        index = self.index
        lo, hi = self.ngram_range
        grams: list[str] = []
        lengths = np.zeros(n, dtype=np.int64)
        for i, text in enumerate(texts):
            t = _WS.sub(" ", text.lower())
            before = len(grams)
            longer: Iterable[str] = t  # the n-grams of size n, built from those of size n - 1
            for size in range(1, hi + 1):
                if size > 1:
                    longer = list(map(add, longer, t[size - 1 :]))
                elif lo <= 1:
                    longer = list(t)
                if size >= lo:
                    grams.extend(longer)
            lengths[i] = len(grams) - before
        cols = np.fromiter(map(index.get, grams, repeat(-1, len(grams))), dtype=np.int64, count=len(grams))
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        found = cols >= 0
        width = len(self.vocab) + len(self.extra)
        keys, counts = np.unique(rows[found] * width + cols[found], return_counts=True)
        r, c = keys // width, keys % width
        vals = (1.0 + np.log(counts)) * self.idf[c].astype(np.float64)
        norms = np.sqrt(np.bincount(r, weights=vals * vals, minlength=n))
        nonzero = norms[r] > 0
        vals[nonzero] = vals[nonzero] / norms[r][nonzero]
        if extras is not None and self.extra:
            position = {name: len(self.vocab) + j for j, name in enumerate(self.extra)}
            er, ec = [], []
            for i, names in enumerate(extras):
                for name in set(names):
                    j = position.get(name)
                    if j is not None:
                        er.append(i)
                        ec.append(j)
            r = np.concatenate([r, np.asarray(er, dtype=np.int64)])
            c = np.concatenate([c, np.asarray(ec, dtype=np.int64)])
            vals = np.concatenate([vals, np.ones(len(er))])
        if self._coef_by_feature is None or self._coef_by_feature.shape[0] != self.coef.shape[1]:
            self._coef_by_feature = np.ascontiguousarray(self.coef.T)  # one feature's weights together
        contributions = self._coef_by_feature[c] * vals[:, None]
        for j in range(k):
            out[:, j] = np.bincount(r, weights=contributions[:, j], minlength=n)
        return out + self.intercept

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays to save, keys prefixed."""
        return {
            f"{prefix}vocab": np.asarray(self.vocab, dtype=str),
            f"{prefix}idf": self.idf.astype(np.float32),
            f"{prefix}extra": np.asarray(self.extra, dtype=str),
            f"{prefix}coef": self.coef.astype(np.float32),
            f"{prefix}intercept": self.intercept,
            f"{prefix}ngram_range": np.asarray(self.ngram_range),
        }

    @classmethod
    def from_arrays(cls, blob: Any, prefix: str) -> CharNgramModel:
        """Rebuild from :meth:`arrays` output (an ``np.load`` result)."""
        lo, hi = (int(x) for x in blob[f"{prefix}ngram_range"])
        return cls(
            vocab=blob[f"{prefix}vocab"].tolist(),
            idf=blob[f"{prefix}idf"],
            extra=blob[f"{prefix}extra"].tolist(),
            coef=blob[f"{prefix}coef"],
            intercept=blob[f"{prefix}intercept"],
            ngram_range=(lo, hi),
        )


def char_ngrams(text: str, ngram_range: tuple[int, int] = (1, 3)) -> list[str]:
    """Character n-grams of the lower-cased, white-space-collapsed text."""
    t = _WS.sub(" ", text.lower())
    lo, hi = ngram_range
    return [t[i : i + n] for n in range(lo, hi + 1) for i in range(len(t) - n + 1)]


def fit_vocabulary(
    texts: Sequence[str],
    *,
    min_df: int = 2,
    max_features: int = 120_000,
    ngram_range: tuple[int, int] = (1, 3),
) -> tuple[list[str], np.ndarray]:
    """The n-gram vocabulary (document frequency ≥ min_df, the most frequent first) and smoothed idf."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(char_ngrams(t, ngram_range)))
    kept = sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))[:max_features]
    n = len(texts)
    idf = np.asarray([math.log((1 + n) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float64)
    return kept, idf


def _design(model: CharNgramModel, texts: Sequence[str], extras: Sequence[Iterable[str]]) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for text, ex in zip(texts, extras):
        cols, vals = model.features(text, ex)
        indices.extend(cols.tolist())
        data.extend(vals.tolist())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(model.vocab) + len(model.extra)))


def fit_linear(
    texts: Sequence[str],
    y: np.ndarray,
    extras: Sequence[Iterable[str]],
    extra_names: list[str],
    *,
    C: float = 4.0,
    min_df: int = 2,
    multiclass: bool = False,
    random_state: int = 0,
) -> CharNgramModel:
    """Fit one-vs-rest (or multinomial, for ``multiclass``) logistic regression on char n-grams + extras.

    ``y`` is (n, k) binary for one-vs-rest, or (n,) class indices for multiclass.
    """
    from sklearn.linear_model import LogisticRegression

    vocab, idf = fit_vocabulary(texts, min_df=min_df)
    model = CharNgramModel(vocab, idf, list(extra_names), np.zeros((0, 0)), np.zeros(0))
    X = _design(model, texts, extras)
    if multiclass:
        k = int(y.max()) + 1
        lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=random_state)
        lr.fit(X, y)
        coef = np.zeros((k, X.shape[1]))
        intercept = np.zeros(k)
        if len(lr.classes_) == 2:  # binary: one row of weights for the second class
            coef[lr.classes_[1]], intercept[lr.classes_[1]] = lr.coef_[0], lr.intercept_[0]
        else:
            for row, c in enumerate(lr.classes_):
                coef[c], intercept[c] = lr.coef_[row], lr.intercept_[row]
            for c in set(range(k)) - set(lr.classes_.tolist()):
                intercept[c] = -1e3
    else:
        coef = np.zeros((y.shape[1], X.shape[1]))
        intercept = np.full(y.shape[1], -1e3)
        for j in range(y.shape[1]):
            if y[:, j].any() and not y[:, j].all():
                lr = LogisticRegression(
                    C=C, class_weight="balanced", max_iter=2000, random_state=random_state, solver="liblinear"
                )
                lr.fit(X, y[:, j])
                coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
            elif y[:, j].all():
                intercept[j] = 1e3
    # float32 weights, as saved: a model predicts the same before and after a round trip
    model.coef, model.intercept, model.idf = coef.astype(np.float32), intercept, idf.astype(np.float32)
    return model


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


#: Context features a model may take: the sentence is a heading, a provision of an
#: article-structured text (第X条), a sentence of a news report.
CONTEXT_FEATURES = ("ctx:heading", "ctx:article", "ctx:news")


@dataclass
class MechanismClassifier:
    """A fitted classifier with its label set, combination policy, status model and metadata.

    The combination policy is per type, chosen on document-grouped cross-validation:
    a type is predicted when ``p >= add[type]`` (model alone) or when a rule fires and
    ``p >= keep[type]`` (a rule hit the model does not contradict). Rule hits are also
    features of the model, so the model learns where a cue is reliable.
    """

    labels: list[str]
    weights: CharNgramModel | None = None
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    status_weights: CharNgramModel | None = None

    @property
    def version(self) -> str:
        """A short identifier: name@training-data-hash prefix."""
        return f"{self.meta.get('name', 'mechanisms')}@{str(self.meta.get('data_sha256', ''))[:12]}"

    @property
    def uses_rules(self) -> bool:
        """Whether rule hits are features of the model (pass them to :meth:`predict_proba`)."""
        return bool(self.weights is not None and self.weights.extra)

    def policy(self, label: str) -> tuple[float, float]:
        """(add, keep): the probability a model-only prediction needs, and that a rule hit needs."""
        pol = (self.meta.get("policy") or {}).get(label)
        if pol is None:
            return float(self.meta.get("add_threshold", max(self.threshold, 0.5))), 0.0
        return float(pol["add"]), float(pol["keep"])

    @classmethod
    def train(
        cls,
        examples: Sequence[LabelledSentence],
        *,
        labels: Sequence[str],
        cv: int = 5,
        random_state: int = 0,
        name: str = "mechanisms",
        threshold: float | None = None,
        rules: Callable[[str], set[str]] | None = None,
        status_rule: Callable[[LabelledSentence], str] | None = None,
        context: Callable[[LabelledSentence], set[str]] | None = None,
    ) -> MechanismClassifier:
        """Fit on labelled sentences; measure grouped cross-validated P/R/F1 and choose the policy.

        Args:
            examples: sentences with their types (an empty list = a negative example); the
                folds of cross-validation group sentences by their ``doc`` (a document never
                has sentences on both sides).
            labels: the taxonomy's type ids (types absent from the data are kept, never predicted).
            cv: folds for cross-validation (0 to skip).
            threshold: probability threshold of the model alone; None picks the one with the
                best CV micro-F1.
            rules: the rule matcher (sentence -> types). When given, rule hits become
                features, and the per-type combination policy (``add``/``keep`` thresholds) is
                chosen for the best cross-validated F1 of each type, on the training data only.
            context: context features of an example (a subset of :data:`CONTEXT_FEATURES`:
                the sentence is a heading, a provision of an article-structured text, part of
                a news report); None = none.
            status_rule: the rule status of an example; when given, a status classifier is
                trained with it as a feature and kept only if its cross-validated accuracy beats
                the rule's.
        """
        from sklearn.preprocessing import MultiLabelBinarizer

        if len(examples) < 20:
            raise ModelError(
                f"only {len(examples)} labelled sentences; training needs at least 20 (add annotations)"
            )
        present = [lab for lab in labels if any(lab in e.types for e in examples)]
        mlb = MultiLabelBinarizer(classes=present)
        texts = [e.text for e in examples]
        y = mlb.fit_transform([[t for t in e.types if t in present] for e in examples])
        hits = [
            ({f"rule:{t}" for t in rules(e.text)} if rules is not None else set())
            | (context(e) if context is not None else set())
            for e in examples
        ]
        extra_names = ([f"rule:{lab}" for lab in labels] if rules is not None else []) + (
            list(CONTEXT_FEATURES) if context is not None else []
        )
        rule_pred = np.asarray([[f"rule:{lab}" in h for lab in present] for h in hits], dtype=bool).reshape(
            y.shape
        )
        metrics: dict[str, Any] = {}
        policy: dict[str, dict[str, float]] = {}
        groups = document_groups(examples)
        if cv and cv > 1:
            probs = cross_val_probs(texts, y, hits, extra_names, groups, folds=cv, random_state=random_state)
            grid = [round(x, 2) for x in np.arange(0.3, 0.91, 0.05)]
            scores = {t: _micro(y, probs >= t) for t in grid}
            best_t = max(grid, key=lambda t: (scores[t][2], t))
            chosen = threshold if threshold is not None else best_t
            p_, r_, f_ = _micro(y, probs >= chosen)
            union: dict[str, Any] = {}
            if rules is not None:
                # the policy must hold on documents of a genre the model has not seen as well
                # as on unseen documents of known genres: chosen on both CVs stacked
                by_genre = genre_folds(examples, groups)
                if len(by_genre) > 1:
                    probs_genre = cross_val_probs(
                        texts, y, hits, extra_names, groups, test_groups=by_genre, random_state=random_state
                    )
                    policy = choose_policy(
                        np.vstack([y, y]),
                        np.vstack([probs, probs_genre]),
                        np.vstack([rule_pred, rule_pred]),
                        present,
                    )
                    union_genre = {
                        "rules_only": [round(v, 4) for v in _micro(y, rule_pred)],
                        "policy": [
                            round(v, 4)
                            for v in _micro(
                                y, apply_policy(probs_genre, rule_pred, [policy[lab] for lab in present])
                            )
                        ],
                    }
                else:
                    policy = choose_policy(y, probs, rule_pred, present)
                    union_genre = {}
                combined = apply_policy(probs, rule_pred, [policy[lab] for lab in present])
                union = {"rules_only": [round(v, 4) for v in _micro(y, rule_pred)]}
                grid_u = [round(x, 2) for x in np.arange(0.5, 0.99, 0.05)]
                union_scores = {t: _micro(y, rule_pred | (probs >= t)) for t in grid_u}
                best_u = max(grid_u, key=lambda t: (union_scores[t][2], t))
                union.update(
                    {
                        "add_threshold": best_u,
                        "rules_plus_model": [round(v, 4) for v in union_scores[best_u]],
                        "policy": [round(v, 4) for v in _micro(y, combined)],
                    }
                )
                if union_genre:
                    union["by_genre"] = union_genre
            metrics = {
                "union": union,
                "grouping": "document",
                "cv_folds": cv,
                "threshold": chosen,
                "micro_precision": round(p_, 4),
                "micro_recall": round(r_, 4),
                "micro_f1": round(f_, 4),
                "per_type": {
                    lab: dict(
                        zip(
                            ("precision", "recall", "f1", "support"),
                            (
                                *(round(v, 4) for v in _micro(y[:, [j]], probs[:, [j]] >= chosen)),
                                int(y[:, j].sum()),
                            ),
                        )
                    )
                    for j, lab in enumerate(present)
                },
            }
        else:
            chosen = threshold if threshold is not None else 0.5
        weights = fit_linear(texts, y, hits, extra_names, random_state=random_state)
        status_weights: CharNgramModel | None = None
        status_metrics: dict[str, Any] = {}
        if status_rule is not None:
            status_weights, status_metrics = train_status(
                examples, status_rule, groups, folds=cv or 5, random_state=random_state, genres=True
            )
        meta = {
            "name": name,
            "labels": present,
            "taxonomy_labels": list(labels),
            "threshold": chosen,
            "n_examples": len(examples),
            "n_positive": int((y.sum(axis=1) > 0).sum()),
            "n_documents": len(set(groups)),
            "support": {lab: int(y[:, j].sum()) for j, lab in enumerate(present)},
            "data_sha256": data_hash(examples),
            "versions": versions(),
            "metrics": metrics,
            "features": (
                "char 1-3-gram TF-IDF (sublinear, l2) + rule hits; one-vs-rest logistic regression (balanced)"
            ),
            "status": status_metrics,
        }
        if policy:
            meta["policy"] = policy
        if metrics.get("union", {}).get("add_threshold") is not None:
            meta["add_threshold"] = metrics["union"]["add_threshold"]
        return cls(
            labels=present, weights=weights, threshold=float(chosen), meta=meta, status_weights=status_weights
        )

    @property
    def uses_context(self) -> bool:
        """Whether context features (:data:`CONTEXT_FEATURES`) are inputs of the model."""
        return bool(self.weights is not None and set(CONTEXT_FEATURES) & set(self.weights.extra))

    def predict_proba(
        self,
        texts: Sequence[str],
        rule_hits: Sequence[Iterable[str]] | None = None,
        contexts: Sequence[set[str]] | None = None,
    ) -> np.ndarray:
        """Probabilities, shape (n_texts, n_labels), columns in ``labels`` order.

        Args:
            rule_hits: the types the rules find in each text (features of a model trained
                with rules); None = no rule fired.
            contexts: context features of each text (see :data:`CONTEXT_FEATURES`).
        """
        if not texts:
            return np.zeros((0, len(self.labels)))
        if self.weights is None:
            raise ModelError("the classifier has no weights; train or load one")
        extras: list[set[str]] | None = None
        if rule_hits is not None or contexts is not None:
            extras = [
                ({f"rule:{t}" for t in rule_hits[i]} if rule_hits is not None else set())
                | (set(contexts[i]) if contexts is not None else set())
                for i in range(len(texts))
            ]
        return _sigmoid(self.weights.decision(texts, extras))

    def predict(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Types at or above the threshold for each text, with their probabilities."""
        probs = self.predict_proba(texts)
        return [
            [(self.labels[j], float(row[j])) for j in np.flatnonzero(row >= self.threshold)] for row in probs
        ]

    def predict_status(self, texts: Sequence[str], rule_status: Sequence[str]) -> list[str] | None:
        """The status of each (mechanism-bearing) sentence, or None when no status model was kept."""
        if self.status_weights is None or not texts:
            return None
        z = self.status_weights.decision(texts, [{f"status:{s}"} for s in rule_status])
        return [STATUSES[int(k)] for k in z.argmax(axis=1)]

    # -- persistence --------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write ``model.npz`` (plain float32 arrays, no pickle) and ``meta.json`` into ``folder``."""
        if self.weights is None:
            raise ModelError("nothing to save: the classifier has no weights")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {
            **self.weights.arrays("types_"),
            "labels": np.asarray(self.labels, dtype=str),
            "threshold": np.asarray(self.threshold),
        }
        if self.status_weights is not None:
            arrays.update(self.status_weights.arrays("status_"))
        with open(out / MODEL_FILE, "wb") as fh:
            np.savez(fh, allow_pickle=False, **arrays)  # uncompressed: loads in a few milliseconds
        meta = dict(self.meta, model_sha256=hashlib.sha256((out / MODEL_FILE).read_bytes()).hexdigest())
        self.meta = meta
        (out / "meta.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        return out

    @classmethod
    def load(cls, folder: str | Path | None = None) -> MechanismClassifier:
        """Load a saved model (default: the one shipped inside the package).

        Warns (:class:`VersionMismatchWarning`) when it was saved with other library versions
        or its arrays do not match the checksum in its meta.json.

        Raises:
            ModelError: the folder or its files are missing or unreadable.
        """
        src = Path(folder) if folder is not None else default_model_dir()
        meta_path, model_path = src / "meta.json", src / MODEL_FILE
        if not model_path.exists() or not meta_path.exists():
            raise ModelError(
                f"{src}: no trained model here ({MODEL_FILE} and meta.json); run `policytext train` "
                "or pass --model pointing at a model folder"
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        saved, running = meta.get("versions", {}), versions()
        diff = {
            k: (saved.get(k), running[k])
            for k in ("scikit-learn", "policytext")
            if saved.get(k) != running[k]
        }
        if diff:
            warnings.warn(
                f"model {src} was saved with {', '.join(f'{k} {a}' for k, (a, b) in diff.items())}; "
                f"running {', '.join(f'{k} {b}' for k, (a, b) in diff.items())}: "
                "retrain with `policytext train`",
                VersionMismatchWarning,
                stacklevel=2,
            )
        raw = model_path.read_bytes()
        if meta.get("model_sha256") and hashlib.sha256(raw).hexdigest() != meta["model_sha256"]:
            warnings.warn(
                f"model {src}: {MODEL_FILE} does not match the checksum in meta.json (the two files come "
                "from different trainings); retrain with `policytext train`",
                VersionMismatchWarning,
                stacklevel=2,
            )
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as blob:
                weights = CharNgramModel.from_arrays(blob, "types_")
                status = CharNgramModel.from_arrays(blob, "status_") if "status_coef" in blob else None
                labels = blob["labels"].tolist()
                threshold = float(blob["threshold"])
        except Exception as exc:
            raise ModelError(
                f"{model_path}: cannot load the model ({exc}); retrain with `policytext train`"
            ) from exc
        return cls(labels=labels, weights=weights, threshold=threshold, meta=meta, status_weights=status)


def model_info(folder: str | Path | None = None) -> dict[str, Any]:
    """Which model an extraction runs: version, checksum, location, training data (for ``info``).

    A missing model gives ``{"model": "none", "warning": …}`` instead of raising.
    """
    src = Path(folder) if folder is not None else default_model_dir()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            clf = MechanismClassifier.load(src)
    except ModelError as exc:
        return {"model": "none", "path": str(src), "warning": str(exc)}
    meta = clf.meta
    out: dict[str, Any] = {
        "model": clf.version,
        "path": str(src),
        "model_sha256": meta.get("model_sha256", ""),
        "n_examples": meta.get("n_examples"),
        "n_documents": meta.get("n_documents"),
        "training_folders": meta.get("training_folders", []),
        "status_model": (meta.get("status") or {}).get("used", "rules"),
    }
    if caught:
        out["warning"] = "; ".join(str(w.message) for w in caught)
    return out


def default_model_dir() -> Path:
    """The model shipped inside the installed package (``policytext/data/models/mechanisms``)."""
    return Path(str(resources.files("policytext").joinpath("data/models/mechanisms")))


def document_groups(examples: Sequence[LabelledSentence]) -> list[str]:
    """The group of each example for cross-validation: its document (else its source file)."""
    return [e.doc or e.source.split(":")[0] or f"#{i}" for i, e in enumerate(examples)]


def cross_val_probs(
    texts: Sequence[str],
    y: np.ndarray,
    extras: Sequence[Iterable[str]],
    extra_names: list[str],
    groups: Sequence[str],
    *,
    folds: int = 5,
    random_state: int = 0,
    test_groups: Sequence[set[str]] | None = None,
) -> np.ndarray:
    """Out-of-fold probabilities; folds never split a group (document or genre).

    Args:
        test_groups: explicit folds (each a set of groups held out in turn); default:
            ``folds`` folds of whole groups.
    """
    from sklearn.model_selection import GroupKFold

    probs = np.zeros(y.shape, dtype=float)
    g = np.asarray(groups)
    if test_groups is None:
        n = min(folds, len(set(groups)))
        splits = list(GroupKFold(n).split(texts, groups=g)) if n > 1 else []
    else:
        splits = [
            (np.flatnonzero(~np.isin(g, list(tg))), np.flatnonzero(np.isin(g, list(tg))))
            for tg in test_groups
        ]
    for tr, te in splits:
        if len(tr) == 0 or len(te) == 0:
            continue
        m = fit_linear(
            [texts[i] for i in tr], y[tr], [extras[i] for i in tr], extra_names, random_state=random_state
        )
        probs[te] = _sigmoid(m.decision([texts[i] for i in te], [extras[i] for i in te]))
    return probs


def genre_folds(examples: Sequence[LabelledSentence], groups: Sequence[str]) -> list[set[str]]:
    """Folds that hold out one genre each: the sets of groups (documents) of each genre."""
    out: dict[str, set[str]] = {}
    for e, g in zip(examples, groups):
        out.setdefault(e.genre or "unknown", set()).add(g)
    return [out[k] for k in sorted(out)]


def apply_policy(probs: np.ndarray, rule_pred: np.ndarray, policy: Sequence[dict[str, float]]) -> np.ndarray:
    """Predictions of the per-type policy: model alone above ``add``, or a rule hit above ``keep``."""
    add = np.asarray([p["add"] for p in policy])
    keep = np.asarray([p["keep"] for p in policy])
    return (probs >= add) | (rule_pred & (probs >= keep))


#: How much a type's cross-validated F1 must gain over its rules alone for the model to take part.
POLICY_MARGIN = 0.01


def choose_policy(
    y: np.ndarray,
    probs: np.ndarray,
    rule_pred: np.ndarray,
    labels: Sequence[str],
    *,
    min_support: int = 5,
    margin: float = POLICY_MARGIN,
) -> dict[str, dict[str, float]]:
    """Per type, the (add, keep) pair with the best cross-validated F1 (ties: the stricter).

    Types with fewer than ``min_support`` positive examples, and types where no pair beats
    the rules alone by at least ``margin`` F1, keep the rules alone (add = 1.01: the model
    never adds; keep = 0: every rule hit stands). ``y``, ``probs`` and ``rule_pred`` may
    stack the out-of-fold predictions of several cross-validations (by document and by
    genre): the pair is then the best over all of them together.
    """
    adds = [round(x, 2) for x in np.arange(0.3, 0.96, 0.05)] + [1.01]
    keeps = [0.0] + [round(x, 2) for x in np.arange(0.05, 0.91, 0.05)]
    out: dict[str, dict[str, float]] = {}
    for j, lab in enumerate(labels):
        if int(y[:, j].sum()) < min_support:
            out[lab] = {"add": 1.01, "keep": 0.0, "cv_f1": round(_micro(y[:, [j]], rule_pred[:, [j]])[2], 4)}
            continue
        best: tuple[float, float, float] | None = None
        for a in adds:
            for k in keeps:
                if k > a:
                    continue
                pred = (probs[:, j] >= a) | (rule_pred[:, j] & (probs[:, j] >= k))
                f = _micro(y[:, [j]], pred[:, None])[2]
                if best is None or f > best[0] + 1e-9:
                    best = (float(f), float(a), float(k))
        assert best is not None
        rules_f1 = _micro(y[:, [j]], rule_pred[:, [j]])[2]
        if best[0] < rules_f1 + margin:
            out[lab] = {"add": 1.01, "keep": 0.0, "cv_f1": round(rules_f1, 4)}
            continue
        out[lab] = {"add": best[1], "keep": best[2], "cv_f1": round(best[0], 4)}
    return out


def train_status(
    examples: Sequence[LabelledSentence],
    status_rule: Callable[[LabelledSentence], str],
    groups: Sequence[str],
    *,
    folds: int = 5,
    random_state: int = 0,
    genres: bool = False,
) -> tuple[CharNgramModel | None, dict[str, Any]]:
    """A status classifier (char n-grams + the rule's status as a feature) on the labelled positives.

    Kept only when its document-grouped cross-validated accuracy beats the rule's and, with
    ``genres`` (and examples of several genres), so does its accuracy held out by genre
    (trained on the other genres); the returned metrics say which one serves.
    """
    idx = [i for i, e in enumerate(examples) if e.types and e.status in STATUSES]
    if len(idx) < 20:
        return None, {"used": "rules", "reason": f"only {len(idx)} sentences with a status"}
    texts = [examples[i].text for i in idx]
    y = np.asarray([STATUSES.index(examples[i].status or "") for i in idx])
    rule = [status_rule(examples[i]) for i in idx]
    extras = [{f"status:{s}"} for s in rule]
    names = [f"status:{s}" for s in STATUSES]
    g = np.asarray([groups[i] for i in idx])
    from sklearn.model_selection import GroupKFold

    n = min(folds, len(set(g.tolist())))
    pred = np.asarray(rule, dtype=object)

    def out_of_fold(splits: Iterable[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        model_pred = pred.copy()
        for tr, te in splits:
            if len(tr) == 0 or len(te) == 0 or len(set(y[tr].tolist())) < 2:
                continue
            m = fit_linear(
                [texts[i] for i in tr],
                y[tr],
                [extras[i] for i in tr],
                names,
                multiclass=True,
                random_state=random_state,
            )
            z = m.decision([texts[i] for i in te], [extras[i] for i in te])
            model_pred[te] = [STATUSES[int(k)] for k in z.argmax(axis=1)]
        return model_pred

    gold = np.asarray([STATUSES[k] for k in y], dtype=object)
    acc_rule = float((pred == gold).mean())
    acc_model = float((out_of_fold(GroupKFold(n).split(texts, groups=g) if n > 1 else []) == gold).mean())
    metrics: dict[str, Any] = {
        "cv_accuracy_rules": round(acc_rule, 4),
        "cv_accuracy_model": round(acc_model, 4),
        "n": len(idx),
    }
    better = acc_model > acc_rule
    kinds = np.asarray([examples[i].genre or "unknown" for i in idx])
    if genres and len(set(kinds.tolist())) > 1:
        splits = [
            (np.flatnonzero(kinds != k), np.flatnonzero(kinds == k)) for k in sorted(set(kinds.tolist()))
        ]
        acc_genre = float((out_of_fold(splits) == gold).mean())
        metrics["genre_accuracy_model"] = round(acc_genre, 4)
        better = better and acc_genre > acc_rule
    if not better or len(set(y.tolist())) < 2:
        return None, dict(metrics, used="rules")
    model = fit_linear(texts, y, extras, names, multiclass=True, random_state=random_state)
    return model, dict(metrics, used="model")


def _micro(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.logical_and(y == 1, pred).sum())
    fp = float(np.logical_and(y == 0, pred).sum())
    fn = float(np.logical_and(y == 1, ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def annotation_sentences(path: str | Path) -> list[str]:
    """The sentences of a source document as annotators see them: cut by policytext's own reader and
    cleaner (what ``ingest`` stores), white space runs joined by one space. Annotation files that give
    a sentence index ``i`` refer to this list (``corpora/annotate.py dump`` writes it as a sheet)."""
    from policytext.ingest.document import build_document

    return [" ".join(s.text.split()) for s in build_document(path).sentences]


def sentence_digest(sentence: str) -> str:
    """A short fingerprint of an annotation sentence: an index-based label records it, so a label
    whose source was cut differently (another cleaner version) is refused instead of misread."""
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:16]


def load_training_data(
    folders: Iterable[str | Path],
    *,
    corpora_root: str | Path | None = None,
    genres: dict[str, str] | None = None,
    exclude_docs: set[str] | None = None,
    texts: str | Path | None = None,
) -> list[LabelledSentence]:
    """Read labelled sentences from annotation folders.

    Two formats are read:
    - ``*.jsonl``: one ``{"sentence", "types", "status", ...}`` object per line (every line
      an example; ``types: []`` is a negative); the adjudicated format adds ``doc`` and ``i``
      (the sentence index), and a file without ``doc`` takes its name as the document;
      a line with ``doc``, ``i`` and ``sha`` but no ``sentence`` refers to sentence ``i`` of
      ``<texts>/<doc>.txt`` as :func:`annotation_sentences` cuts it (so the project's labels of
      third-party documents hold no third-party text), checked against ``sha``;
    - ``*.json`` in the gold format of the project (``file`` + ``mechanisms``): the listed
      sentences are positives and every other sentence of the source document is a
      negative (the source is looked up under ``corpora_root``, e.g. ``corpora/sources/<id>.txt``).
    Duplicated sentences keep the union of their types (and the first one's document).

    Args:
        genres: document id -> genre (see :func:`manifest_genres`), recorded on each example.
        exclude_docs: documents never read (e.g. the gold documents of the dev check).
        texts: the folder of source texts for index-based lines.
    """
    from policytext.clean.pipeline import clean_text
    from policytext.clean.sentences import split_sentences

    merged: dict[str, LabelledSentence] = {}
    cut: dict[str, list[str]] = {}

    def indexed(row: dict[str, Any], where: str) -> str:
        doc = str(row["doc"])
        if texts is None:
            raise ModelError(
                f"{where}: the line gives a sentence index of {doc!r}, not its text; "
                "pass the folder of source texts (policytext train --texts DIR)"
            )
        if doc not in cut:
            src = Path(texts) / f"{doc}.txt"
            if not src.is_file():
                raise ModelError(
                    f"{where}: no source text {src}; pass the folder holding {doc}.txt as --texts"
                )
            cut[doc] = annotation_sentences(src)
        sents, i = cut[doc], int(row["i"])
        if not 0 <= i < len(sents) or ("sha" in row and sentence_digest(sents[i]) != row["sha"]):
            raise ModelError(
                f"{where}: sentence {i} of {doc} is not the annotated one (the source or the "
                "sentence cut changed); re-cut with corpora/annotate.py dump and check the labels"
            )
        return sents[i]

    def add(text: str, types: list[str], status: str | None, source: str, doc: str = "") -> None:
        text = clean_text(text, reflow_lines=False).strip()
        if not text or (exclude_docs and doc in exclude_docs):
            return
        cur = merged.get(text)
        if cur is None:
            merged[text] = LabelledSentence(
                text, sorted(set(types)), status, source, doc, (genres or {}).get(doc, "")
            )
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
                        raise ModelError(
                            f"{f}:{n}: not valid JSON ({exc}); fix the line or remove it"
                        ) from exc
                    if exclude_docs and str(row.get("doc") or f.stem) in exclude_docs:
                        continue
                    if "sentence" not in row and {"doc", "i"} <= row.keys():
                        row["sentence"] = indexed(row, f"{f}:{n}")
                    if "sentence" not in row:
                        raise ModelError(
                            f"{f}:{n}: no `sentence` field; every line needs sentence and types "
                            "(or doc, i and sha of an indexed sentence)"
                        )
                    add(
                        row["sentence"],
                        list(row.get("types") or []),
                        row.get("status"),
                        f"{f.name}:{n}",
                        str(row.get("doc") or f.stem),
                    )
            elif f.suffix == ".json":
                gold = json.loads(f.read_text(encoding="utf-8"))
                if "mechanisms" not in gold:
                    continue
                positives = {}
                for m in gold["mechanisms"]:
                    positives[clean_text(m["sentence"], reflow_lines=False).strip()] = (
                        m["types"],
                        m.get("status"),
                    )
                src = _find_source(gold.get("file", ""), f, corpora_root)
                if src is not None:
                    text = clean_text(src.read_text(encoding="utf-8"))
                    for s in split_sentences(text):
                        if s.text not in positives:
                            add(s.text, [], None, f"{f.name}", f.stem)
                for text, (types, status) in positives.items():
                    add(text, types, status, f.name, f.stem)
    return list(merged.values())


def _find_source(file_field: str, ann: Path, root: str | Path | None) -> Path | None:
    stem = Path(file_field).stem or ann.stem
    candidates = []
    if root is not None:
        candidates.append(Path(root) / "sources" / f"{stem}.txt")
    candidates.append(ann.parents[2] / "sources" / f"{stem}.txt" if len(ann.parents) > 2 else ann)
    return next((c for c in candidates if c.exists() and c.suffix == ".txt"), None)


#: MANIFEST.csv doc_type -> genre of the cross-validation table (``other`` there is laws).
MANIFEST_GENRES = {"other": "law", "report": "report", "article": "paper", "news": "news", "plan": "plan"}


def manifest_genres(manifest: str | Path, *, split: str | None = "dev") -> dict[str, str]:
    """Document id -> genre (law, report, paper, news, plan) from a corpus MANIFEST.csv.

    Args:
        split: keep only rows of this split (None = every row).
    """
    import csv

    out: dict[str, str] = {}
    with open(manifest, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if split is not None and row.get("split") != split:
                continue
            out[row["id"]] = MANIFEST_GENRES.get(row.get("doc_type", ""), row.get("doc_type", ""))
    return out


def genre_cv(
    examples: Sequence[LabelledSentence],
    *,
    labels: Sequence[str],
    rules: Callable[[str], set[str]],
    status_rule: Callable[[LabelledSentence], str] | None = None,
    folds: int = 5,
    random_state: int = 0,
    context: Callable[[LabelledSentence], set[str]] | None = None,
) -> list[dict[str, Any]]:
    """Cross-validation by genre: for each genre, train on the others and test on it.

    The combination policy applied to a held-out genre is chosen by a document-grouped
    (3-fold) cross-validation inside the training genres only (nested), so no figure of the table
    has seen its test genre. A last row ``all (by document)`` is the document-grouped CV
    over everything. Each row: genre, documents, sentences, positives, P/R/F1 of rules
    alone, of the model alone (its CV threshold), of the policy, and status accuracy of
    the rules and of the status model on the matched (true positive) sentences.
    """
    present = [lab for lab in labels if any(lab in e.types for e in examples)]
    texts = [e.text for e in examples]
    y = np.asarray([[lab in e.types for lab in present] for e in examples], dtype=int).reshape(
        len(examples), len(present)
    )
    hits = [
        {f"rule:{t}" for t in rules(e.text)} | (context(e) if context is not None else set())
        for e in examples
    ]
    names = [f"rule:{lab}" for lab in labels] + (list(CONTEXT_FEATURES) if context is not None else [])
    rule_pred = np.asarray([[f"rule:{lab}" in h for lab in present] for h in hits], dtype=bool).reshape(
        y.shape
    )
    docs = document_groups(examples)
    genres = [e.genre or "unknown" for e in examples]
    rows: list[dict[str, Any]] = []
    order: list[str] = [g for g in ("law", "report", "paper", "news", "plan") if g in set(genres)]
    order += sorted(set(genres) - set(order))
    for g in [*order, None]:
        if g is None:
            te = np.flatnonzero(np.ones(len(examples), dtype=bool))
            probs = cross_val_probs(texts, y, hits, names, docs, folds=folds, random_state=random_state)
            policy = choose_policy(y, probs, rule_pred, present)
            label = "all (by document)"
        else:
            te = np.flatnonzero(np.asarray(genres) == g)
            tr = np.flatnonzero(np.asarray(genres) != g)
            if len(tr) < 20 or not y[tr].any():
                continue
            inner = cross_val_probs(
                [texts[i] for i in tr],
                y[tr],
                [hits[i] for i in tr],
                names,
                [docs[i] for i in tr],
                folds=min(folds, 3),
                random_state=random_state,
            )
            policy = choose_policy(y[tr], inner, rule_pred[tr], present)
            m = fit_linear(
                [texts[i] for i in tr], y[tr], [hits[i] for i in tr], names, random_state=random_state
            )
            probs = np.zeros(y.shape)
            probs[te] = _sigmoid(m.decision([texts[i] for i in te], [hits[i] for i in te]))
            label = g
        pol = [policy[lab] for lab in present]
        yt, pt, rt = y[te], probs[te], rule_pred[te]
        combined = apply_policy(pt, rt, pol)
        row: dict[str, Any] = {
            "genre": label,
            "documents": len({docs[i] for i in te}),
            "sentences": len(te),
            "positives": int((yt.sum(axis=1) > 0).sum()),
            "pairs": int(yt.sum()),
            "rules": [round(v, 3) for v in _micro(yt, rt)],
            "model": [round(v, 3) for v in _micro(yt, pt >= 0.5)],
            "policy": [round(v, 3) for v in _micro(yt, combined)],
        }
        if status_rule is not None:
            sub = [examples[int(i)] for i in te]
            idx = [k for k, e in enumerate(sub) if e.types and e.status in STATUSES and combined[k].any()]
            if idx:
                gold = [sub[k].status for k in idx]
                rule_st = [status_rule(sub[k]) for k in idx]
                row["status_rules"] = round(sum(a == b for a, b in zip(rule_st, gold)) / len(idx), 3)
                if g is not None:
                    tr_ex = [examples[int(i)] for i in np.flatnonzero(np.asarray(genres) != g)]
                    st_model, st_metrics = train_status(
                        tr_ex, status_rule, document_groups(tr_ex), folds=folds, random_state=random_state
                    )
                    if st_model is not None:
                        z = st_model.decision([sub[k].text for k in idx], [{f"status:{s}"} for s in rule_st])
                        pred = [STATUSES[int(c)] for c in z.argmax(axis=1)]
                        row["status_model"] = round(sum(a == b for a, b in zip(pred, gold)) / len(idx), 3)
                    row["status_used"] = st_metrics.get("used", "rules")
        rows.append(row)
    return rows
