"""Training the shipped mechanism model from adjudicated annotations, and its cross-validation table.

The one entry point :func:`train_model` serves ``models/train.py`` (and the ``train``
command): it reads annotation folders, takes each document's genre from a corpus
MANIFEST.csv, leaves out the gold documents of the dev check, trains the type
classifier (rule hits as features, per-type policy chosen on document-grouped CV) and
the status classifier (kept only if it beats the rules on the same CV), and can
compute the cross-validation table by genre.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

from policytext.classify.model import (
    LabelledSentence,
    MechanismClassifier,
    default_model_dir,
    genre_cv,
    load_training_data,
    manifest_genres,
)
from policytext.errors import ModelError
from policytext.extract.rules import ARTICLE_LINE, match_types, sentence_status
from policytext.lexicons.taxonomy import Taxonomy


def gold_documents(gold_dir: str | Path) -> set[str]:
    """Document ids (file stems) annotated in a gold folder: never training data."""
    out = set()
    for f in sorted(Path(gold_dir).glob("*.json")):
        try:
            out.add(Path(json.loads(f.read_text(encoding="utf-8")).get("file", f.stem)).stem)
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"{f}: not a readable gold file ({exc}); fix or remove it") from exc
    return out


def status_rule_for(examples: list[LabelledSentence], taxonomy: Taxonomy) -> Any:
    """The rule status of a training sentence, as the extractor computes it in its document.

    A document is article-structured when at least three of its labelled sentences open
    with 第X条 (the adjudicated files hold every sentence of a document).
    """
    articles: dict[str, int] = defaultdict(int)
    for e in examples:
        if ARTICLE_LINE.match(e.text):
            articles[e.doc] += 1

    def rule(e: LabelledSentence) -> str:
        return sentence_status(e.text, taxonomy, article_structured=articles.get(e.doc, 0) >= 3, news=e.genre == "news")

    return rule


def load_examples(folders: list[str | Path], *, manifest: str | Path | None = None,
                  gold: str | Path | None = None) -> list[LabelledSentence]:
    """Training sentences of the folders, with genres from ``manifest`` and without gold documents."""
    genres = manifest_genres(manifest) if manifest is not None and Path(manifest).exists() else None
    exclude = gold_documents(gold) if gold is not None and Path(gold).is_dir() else None
    return load_training_data(folders, genres=genres, exclude_docs=exclude)


def train_model(folders: list[str | Path], *, taxonomy: str | Path | None = None, manifest: str | Path | None = None,
                gold: str | Path | None = None, cv: int = 5, genre_table: bool = False,
                name: str = "mechanisms") -> tuple[MechanismClassifier, list[dict[str, Any]]]:
    """Train the type and status classifiers; optionally compute the CV table by genre.

    Returns:
        the classifier (not saved) and the rows of the genre table (empty unless asked).
    """
    tx = Taxonomy.load(taxonomy)
    examples = load_examples(folders, manifest=manifest, gold=gold)

    def rules(s: str) -> set[str]:
        return {h.type for h in match_types(s, tx)}

    status_rule = status_rule_for(examples, tx)
    clf = MechanismClassifier.train(examples, labels=tx.ids, cv=cv, rules=rules, status_rule=status_rule, name=name)
    clf.meta["training_folders"] = [Path(f).as_posix() for f in folders]
    clf.meta["genres"] = dict(sorted(_count(e.genre or "unknown" for e in examples).items()))
    rows = genre_cv(examples, labels=tx.ids, rules=rules, status_rule=status_rule, folds=cv) if genre_table else []
    if rows:
        clf.meta["genre_cv"] = rows
    return clf, rows


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for x in items:
        out[x] += 1
    return dict(out)


def ship(folder: str | Path, target: str | Path | None = None) -> Path:
    """Copy a saved model folder (the source, ``models/mechanisms``) into the package data."""
    src, dst = Path(folder), Path(target) if target is not None else default_model_dir()
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("model.npz", "meta.json"):
        shutil.copyfile(src / name, dst / name)
    return dst
