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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policytext.classify.model import (
    LabelledSentence,
    MechanismClassifier,
    default_model_dir,
    document_groups,
    genre_cv,
    load_training_data,
    manifest_genres,
    train_status,
)
from policytext.errors import ModelError
from policytext.extract.rules import (
    ARTICLE_LINE,
    match_document,
    match_types,
    review_indexes,
    sentence_context,
    sentence_status,
)
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


def _article_docs(examples: list[LabelledSentence]) -> set[str]:
    articles: dict[str, int] = defaultdict(int)
    for e in examples:
        if ARTICLE_LINE.match(e.text):
            articles[e.doc] += 1
    return {d for d, n in articles.items() if n >= 3}


def context_for(examples: list[LabelledSentence]) -> Any:
    """The context features of a training sentence, as the extractor computes them in its document."""
    article_docs = _article_docs(examples)

    def context(e: LabelledSentence) -> set[str]:
        return sentence_context(e.text, article_structured=e.doc in article_docs, news=e.genre == "news")

    return context


def rule_types_for(examples: list[LabelledSentence], taxonomy: Taxonomy) -> Callable[[str], set[str]]:
    """The rule types of a training sentence, as the extractor finds them in its document.

    Each document's sentences (in order) go through
    :func:`~policytext.extract.rules.match_document`, so a name the document defines counts
    as in extraction; a text outside the examples gets the sentence rules alone.
    """
    by_doc: dict[str, list[str]] = defaultdict(list)
    for e in examples:
        by_doc[e.doc].append(e.text)
    found: dict[str, set[str]] = {}
    for texts in by_doc.values():
        for text, hits in zip(texts, match_document(texts, taxonomy)):
            found[text] = {h.type for h in hits}

    def rules(text: str) -> set[str]:
        hit = found.get(text)
        return hit if hit is not None else {h.type for h in match_types(text, taxonomy)}

    return rules


def status_rule_for(
    examples: list[LabelledSentence], taxonomy: Taxonomy, *, texts: str | Path | None = None
) -> Any:
    """The rule status of a training sentence, as the extractor computes it in its document.

    A document is article-structured when at least three of its labelled sentences open
    with 第X条. Its review part (:func:`~policytext.extract.rules.review_indexes`) is found
    in the order of the document's own sentences: from ``<texts>/<doc>.txt`` cut as the
    annotators saw it when ``texts`` is given (the examples alone lose a heading that an
    earlier document shares, since duplicated sentences are merged), else in the order of
    the examples.
    """
    from policytext.classify.model import annotation_sentences
    from policytext.clean.pipeline import clean_text

    article_docs = _article_docs(examples)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, e in enumerate(examples):
        by_doc[e.doc].append(k)
    review_texts: dict[str, set[str]] = {}  # document -> its sentences that review past work
    for doc, positions in by_doc.items():
        source = Path(texts) / f"{doc}.txt" if texts is not None else None
        if source is not None and source.is_file():
            sentences = [clean_text(t, reflow_lines=False).strip() for t in annotation_sentences(source)]
        else:
            sentences = [examples[k].text for k in positions]
        review_texts[doc] = {sentences[j] for j in review_indexes(sentences, taxonomy)}

    def rule(e: LabelledSentence) -> str:
        return sentence_status(
            e.text,
            taxonomy,
            article_structured=e.doc in article_docs,
            news=e.genre == "news",
            review=e.text in review_texts.get(e.doc, set()),
        )

    return rule


def load_examples(
    folders: list[str | Path],
    *,
    manifest: str | Path | None = None,
    gold: str | Path | None = None,
    texts: str | Path | None = None,
) -> list[LabelledSentence]:
    """Training sentences of the folders, with genres from ``manifest`` and without gold documents."""
    genres = manifest_genres(manifest) if manifest is not None and Path(manifest).exists() else None
    exclude = gold_documents(gold) if gold is not None and Path(gold).is_dir() else None
    return load_training_data(folders, genres=genres, exclude_docs=exclude, texts=texts)


def train_model(
    folders: list[str | Path],
    *,
    taxonomy: str | Path | None = None,
    manifest: str | Path | None = None,
    gold: str | Path | None = None,
    cv: int = 5,
    genre_table: bool = False,
    features: str = "auto",
    name: str = "mechanisms",
    texts: str | Path | None = None,
) -> tuple[MechanismClassifier, list[dict[str, Any]]]:
    """Train the type and status classifiers; optionally compute the CV table by genre.

    Args:
        texts: the folder of source texts (``<doc>.txt``) that index-based annotation lines refer to.
        features: ``rules`` (char n-grams + rule hits), ``context`` (also heading / article /
            news context features) or ``auto``: both are cross-validated (grouped by
            document) and the one whose rules+model policy scores the higher F1 is kept.

    Returns:
        the classifier (not saved) and the rows of the genre table (empty unless asked).
    """
    if features not in ("auto", "rules", "context"):
        raise ModelError(f"features={features!r}: use auto, rules or context")
    tx = Taxonomy.load(taxonomy)
    examples = load_examples(folders, manifest=manifest, gold=gold, texts=texts)

    rules = rule_types_for(examples, tx)
    status_rule = status_rule_for(examples, tx, texts=texts)
    context = context_for(examples)
    candidates: dict[str, MechanismClassifier] = {}
    variants = ["rules", "context"] if features == "auto" else [features]
    for variant in variants:
        # the status model does not depend on the variant: trained once, for the one kept
        candidates[variant] = MechanismClassifier.train(
            examples,
            labels=tx.ids,
            cv=cv,
            rules=rules,
            name=name,
            context=context if variant == "context" else None,
        )
    scores = {
        v: float(((c.meta.get("metrics") or {}).get("union") or {}).get("policy", [0, 0, 0])[2])
        for v, c in candidates.items()
    }
    chosen = max(candidates, key=lambda v: (scores[v], v == "rules"))  # ties: the simpler model
    clf = candidates[chosen]
    clf.status_weights, clf.meta["status"] = train_status(
        examples, status_rule, document_groups(examples), folds=cv or 5, genres=True
    )
    clf.meta["feature_selection"] = {"chosen": chosen, "cv_policy_f1": scores}
    clf.meta["training_folders"] = [_relative(Path(f)) for f in folders]
    clf.meta["genres"] = dict(sorted(_count(e.genre or "unknown" for e in examples).items()))
    rows = (
        genre_cv(
            examples,
            labels=tx.ids,
            rules=rules,
            status_rule=status_rule,
            folds=cv,
            context=context if chosen == "context" else None,
        )
        if genre_table
        else []
    )
    if rows:
        clf.meta["genre_cv"] = rows
    return clf, rows


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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
