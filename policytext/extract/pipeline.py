"""The extractor: one clean Document in, one :class:`~policytext.types.Extraction` out.

Stages, each a pure function of the document:

1. boilerplate sentences (reference lists, author bios, navigation) are set aside;
2. agglomerations are found by the gazetteer, counted, and a primary one chosen;
3. mechanism types per sentence: the taxonomy's rules (precision) united with the
   trained classifier's confident predictions (paraphrases the rules miss);
4. attributes: status, stage, domains and linked agglomerations (same sentence, else
   the paragraph or nearest heading naming one, else the document's primary one);
5. measures (concrete actions), precision first.

Every mention carries the versions of the taxonomy, gazetteer and model.
"""

from __future__ import annotations

import bisect
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import policytext
from policytext.classify.model import MechanismClassifier
from policytext.clean.headings import heading_level
from policytext.clean.resources import HAN_RE
from policytext.clean.sentences import line_starts
from policytext.errors import ExtractionWarning
from policytext.extract.boilerplate import boilerplate_indexes
from policytext.extract.measures import find_measures
from policytext.extract.rules import (
    domains_of,
    is_article_structured,
    match_document,
    review_indexes,
    sentence_context,
    sentence_status,
    stage_of,
)
from policytext.lexicons.gazetteer import Gazetteer
from policytext.lexicons.taxonomy import Taxonomy
from policytext.types import NO_LINK, AgglomerationCount, Document, Extraction, Mention

_MIN_SENTENCE = 6


@dataclass
class Extractor:
    """Taxonomy + gazetteer + (optional) classifier, ready to extract.

    Build it with :meth:`load`; it is picklable, so worker processes can share it.
    """

    taxonomy: Taxonomy
    gazetteer: Gazetteer
    model: MechanismClassifier | None = None
    add_threshold: float | None = None  # model-only additions need at least this probability
    measures: bool = True
    _versions: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        *,
        taxonomy: str | Path | Taxonomy | None = None,
        gazetteer: str | Path | Gazetteer | None = None,
        model: str | Path | MechanismClassifier | bool | None = None,
        add_threshold: float | None = None,
    ) -> Extractor:
        """Load the default pipeline or the user's taxonomy/gazetteer/model.

        Args:
            model: a model folder; None = the shipped model if present; False = rules only.
        """
        tx = taxonomy if isinstance(taxonomy, Taxonomy) else Taxonomy.load(taxonomy)
        gz = gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(gazetteer)
        clf: MechanismClassifier | None
        if model is False:
            clf = None
        elif isinstance(model, MechanismClassifier):
            clf = model
        elif model is None:
            try:
                clf = MechanismClassifier.load()
            except policytext.errors.ModelError as exc:
                warnings.warn(
                    f"the shipped mechanism model is missing ({exc}); extracting with rules only, which "
                    "finds fewer mechanisms: reinstall policytext or pass --model",
                    ExtractionWarning,
                    stacklevel=2,
                )
                clf = None
        else:
            clf = MechanismClassifier.load(model)  # type: ignore[arg-type]
        if clf is not None and set(clf.labels) - set(tx.ids):
            warnings.warn(
                f"model {clf.version} was trained for other mechanism types "
                f"({', '.join(sorted(set(clf.labels) - set(tx.ids)))}) than taxonomy {tx.name}; "
                "extracting with rules only: train a model for this taxonomy",
                ExtractionWarning,
                stacklevel=2,
            )
            clf = None  # a model trained for another coding scheme cannot serve this taxonomy
        return cls(taxonomy=tx, gazetteer=gz, model=clf, add_threshold=add_threshold)

    @property
    def versions(self) -> dict[str, str]:
        """Versions that produced the mentions (stored with every mention)."""
        if not self._versions:
            self._versions = {
                "policytext": policytext.__version__,
                "taxonomy": f"{self.taxonomy.name}@{self.taxonomy.version}",
                "gazetteer": f"policytext-agglomerations@{self.gazetteer.version}",
                "model": self.model.version if self.model is not None else "none",
                "model_sha256": str(self.model.meta.get("model_sha256", ""))
                if self.model is not None
                else "",
            }
        return self._versions

    @property
    def threshold(self) -> float:
        """Probability a model-only prediction needs."""
        if self.add_threshold is not None:
            return self.add_threshold
        if self.model is not None:
            return float(self.model.meta.get("add_threshold", max(self.model.threshold, 0.5)))
        return 1.01

    # -- the work -------------------------------------------------------------
    def extract(self, doc: Document) -> Extraction:
        """Extract agglomerations, mechanisms and measures from one document."""
        text, sents = doc.text, doc.sentences
        boiler = boilerplate_indexes(text, sents)
        starts = [s.start for s in sents]

        def sentence_at(offset: int) -> int:
            return max(0, bisect.bisect_right(starts, offset) - 1)

        # 2. agglomerations
        agg_mentions: list[Mention] = []
        per_sentence: dict[int, list[str]] = {}
        counts: Counter[str] = Counter()
        info: dict[str, tuple[str, str, bool]] = {}
        first_seen: dict[str, int] = {}
        for m in self.gazetteer.find(text):
            si = sentence_at(m.start) if sents else 0
            if si in boiler:
                continue
            s = sents[si] if sents else None
            counts[m.id] += 1
            info[m.id] = (m.name, m.kind, m.known)
            first_seen.setdefault(m.id, m.start)
            per_sentence.setdefault(si, [])
            if m.id not in per_sentence[si]:
                per_sentence[si].append(m.id)
            agg_mentions.append(
                Mention(
                    kind="agglomeration",
                    type=m.id,
                    text=m.surface,
                    sentence=s.text if s else "",
                    sentence_index=si,
                    start=m.start,
                    end=m.end,
                    page=doc.page_of(m.start),
                    score=1.0,
                    source="rule",
                    attributes={"name": m.name, "kind": m.kind, "known": m.known, "link_basis": "sentence"},
                )
            )
        aggs = [
            AgglomerationCount(i, info[i][0], info[i][1], info[i][2], counts[i])
            for i in sorted(counts, key=lambda k: (-counts[k], first_seen[k]))
        ]
        known_ranked = [a.id for a in aggs if a.known and a.kind != "foreign"]
        primary = known_ranked[0] if known_ranked else None

        # 3. mechanisms
        candidates = [
            s
            for s in sents
            if s.index not in boiler and len(s.text) >= _MIN_SENTENCE and HAN_RE.search(s.text)
        ]
        rule_hits = {
            s.index: hits
            for s, hits in zip(candidates, match_document([s.text for s in candidates], self.taxonomy))
        }
        model_probs: dict[int, dict[str, float]] = {}
        article_structured = is_article_structured(text.split("\n"))
        news = doc.meta.doc_type == "news"
        if self.model is not None and candidates:
            hit_types = (
                [[h.type for h in rule_hits[s.index]] for s in candidates] if self.model.uses_rules else None
            )
            contexts = (
                [
                    sentence_context(s.text, article_structured=article_structured, news=news)
                    for s in candidates
                ]
                if self.model.uses_context
                else None
            )
            probs = self.model.predict_proba([s.text for s in candidates], hit_types, contexts)
            for s, row in zip(candidates, probs):
                model_probs[s.index] = {lab: float(p) for lab, p in zip(self.model.labels, row)}
        chosen: list[tuple[Any, dict[str, Any], dict[str, float]]] = []
        for s in candidates:
            hits = {h.type: h for h in rule_hits[s.index]}
            probs_s = model_probs.get(s.index, {})
            types: dict[str, Any] = {}
            for t, h in hits.items():
                if t not in probs_s or probs_s[t] >= self._policy(t)[1]:
                    types[t] = h  # a rule hit stands unless the model contradicts it
            for lab, p in probs_s.items():
                if lab not in types and p >= self._policy(lab)[0]:
                    types[lab] = None
            if types:
                chosen.append((s, types, probs_s))
        review = review_indexes([s.text for s in sents], self.taxonomy) if chosen else set()
        rule_status = [
            sentence_status(
                s.text,
                self.taxonomy,
                article_structured=article_structured,
                news=news,
                review=s.index in review,
            )
            for s, _, _ in chosen
        ]
        learned = (
            self.model.predict_status([s.text for s, _, _ in chosen], rule_status)
            if self.model is not None
            else None
        )
        statuses = learned or rule_status
        links = self._links(doc, per_sentence, aggs)
        mech: list[Mention] = []
        for (s, types, probs_s), status in zip(chosen, statuses):
            domains = domains_of(s.text, self.taxonomy)
            linked, basis = links.get(s.index, ([], NO_LINK))
            for t, h in types.items():
                prob = probs_s.get(t)
                if h is not None:
                    a, b, source = (
                        s.start + h.start,
                        s.start + h.end,
                        "both" if (prob is not None and prob >= 0.5) else "rule",
                    )
                    score = max(prob or 0.0, 0.7 if h.weak else 0.9)
                    cue_at = h.start
                else:
                    a, b, source, score, cue_at = s.start, s.end, "model", float(prob or 0.0), 0
                mech.append(
                    Mention(
                        kind="mechanism",
                        type=t,
                        text=text[a:b],
                        sentence=s.text,
                        sentence_index=s.index,
                        start=a,
                        end=b,
                        page=s.page,
                        score=round(score, 4),
                        source=source,
                        attributes={
                            "status": status,
                            "stage": stage_of(s.text, cue_at, self.taxonomy),
                            "domains": domains,
                            "agglomerations": list(linked),
                            "link_basis": basis,
                            "family": self._family(t),
                        },
                    )
                )
        # 5. measures
        meas: list[Mention] = []
        if self.measures:
            for s in candidates:
                if not s.text.endswith(("。", "；", "！", "”")):
                    continue  # titles and headings name topics, not concrete actions
                for a, b in find_measures(s.text):
                    linked, basis = links.get(s.index, ([], NO_LINK))
                    meas.append(
                        Mention(
                            kind="measure",
                            type="measure",
                            text=s.text[a:b],
                            sentence=s.text,
                            sentence_index=s.index,
                            start=s.start + a,
                            end=s.start + b,
                            page=s.page,
                            score=0.8,
                            source="rule",
                            attributes={
                                "domains": domains_of(s.text, self.taxonomy),
                                "agglomerations": list(linked),
                                "link_basis": basis,
                            },
                        )
                    )
        mentions = sorted(agg_mentions + mech + meas, key=lambda m: (m.start, m.kind, m.type))
        return Extraction(
            mentions=mentions,
            agglomerations=aggs,
            primary_agglomeration=primary,
            boilerplate=sorted(boiler),
            versions=dict(self.versions),
        )

    def _family(self, type_id: str) -> str:
        t = self.taxonomy.get(type_id)
        return t.family if t else ""

    def _policy(self, type_id: str) -> tuple[float, float]:
        """(add, keep) of a type: what a model-only prediction needs, and what a rule hit needs."""
        if self.model is None:
            return 1.01, 0.0
        if self.add_threshold is not None:
            return self.add_threshold, 0.0
        if type_id not in self.model.labels:
            return 1.01, 0.0
        return self.model.policy(type_id)

    def _links(
        self, doc: Document, per_sentence: dict[int, list[str]], aggs: list[AgglomerationCount]
    ) -> dict[int, tuple[list[str], str]]:
        """For each sentence: its linked agglomerations and the basis of the link.

        The basis is the first that names one: ``sentence`` (the sentence itself), ``heading``
        (the nearest heading above it, by level: a new 一、 heading ends the scope of the one
        before), ``paragraph`` (its line), ``document`` (only for a document clearly about
        one agglomeration, see :func:`document_agglomeration`); else no link, basis ``none``.
        """
        text = doc.text
        starts = line_starts(text, doc.sentences)
        paragraph: dict[int, list[str]] = {}  # line start -> agglomerations named in that line
        for s, ls in zip(doc.sentences, starts):
            found = paragraph.setdefault(ls, [])
            for a in per_sentence.get(s.index, []):
                if a not in found:
                    found.append(a)
        doc_level = document_agglomeration(doc, aggs, self.gazetteer)
        out: dict[int, tuple[list[str], str]] = {}
        levels: dict[int, list[str]] = {}  # heading level -> agglomerations its heading names
        previous = -1
        for s, ls in zip(doc.sentences, starts):
            if ls != previous:
                previous = ls
                line_end = text.find("\n", ls)
                line = text[ls : line_end if line_end != -1 else len(text)]
                level = heading_level(line)
                if level is not None:
                    for deeper in [k for k in levels if k >= level]:
                        del levels[deeper]
                    named = paragraph[ls]
                    if named:
                        levels[level] = named
            if per_sentence.get(s.index):
                out[s.index] = (list(per_sentence[s.index]), "sentence")
            elif levels:
                out[s.index] = (list(levels[max(levels)]), "heading")
            elif paragraph[ls]:
                out[s.index] = (list(paragraph[ls]), "paragraph")
            elif doc_level:
                out[s.index] = ([doc_level], "document")
            else:
                out[s.index] = ([], NO_LINK)
        return out


def document_agglomeration(doc: Document, aggs: list[AgglomerationCount], gazetteer: Gazetteer) -> str | None:
    """The one agglomeration a document is clearly about, or None.

    A document is about one agglomeration when its title names exactly one known place-group,
    or when one known place-group has at least 3 mentions, at least 70 % of all known
    place-group mentions, and appears at least once per 20 sentences (news: the title only). National and
    multi-agglomeration documents (a work report naming 京津冀 a few times among 300
    sentences, a news day of many stories) meet neither, so their mechanisms link only to
    the agglomerations their own sentence, heading or paragraph names.
    """
    known = [a for a in aggs if a.known and a.kind != "foreign"]
    if not known:
        return None
    title = doc.meta.title or next((line for line in doc.text.split("\n") if line.strip()), "")
    in_title = {m.id for m in gazetteer.find(title) if m.known and m.kind != "foreign"} if title else set()
    if len(in_title) == 1:
        return next(iter(in_title))
    if len(in_title) > 1:
        return None
    if doc.meta.doc_type == "news":
        return None  # a news day or bulletin carries many stories: only its title speaks for all of them
    top, total = known[0], sum(a.count for a in known)
    n_sent = max(1, len(doc.sentences))
    if top.count >= 3 and top.count >= 0.7 * total and top.count * 20 >= n_sent:
        return top.id
    return None


def load_gazetteer(path: str | Path | None) -> Gazetteer:
    """The default gazetteer, a user's full gazetteer, or the default extended by a user's entries.

    A file whose first line is a header (``{"gazetteer": …, "version": …}``) replaces the
    default; a file of entries only (one JSON object per line with ``id``, ``name``,
    ``kind`` and ``aliases``) extends it, its entries replacing default ones with the same id.
    """
    if path is None:
        return Gazetteer.load()
    import json

    from policytext.errors import LexiconError

    try:
        with open(path, encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the gazetteer ({exc}); check the --gazetteer path") from exc
    try:
        head = json.loads(first) if first else {}
    except json.JSONDecodeError as exc:
        raise LexiconError(
            f"{path}, line 1: not JSON ({exc.msg}); a gazetteer is one JSON object per line"
        ) from exc
    if isinstance(head, dict) and "gazetteer" in head:
        return Gazetteer.load(path)
    return Gazetteer.load(extra=path)


def document_output(doc: Document, ex: Extraction, *, path: str | None = None) -> dict[str, Any]:
    """One document in the ``policytext/v1`` output contract (spec/OUTPUT.md)."""
    m = doc.meta
    return {
        "id": doc.doc_id,
        "path": path or doc.path,
        "title": m.title,
        "date": m.date,
        "date_source": m.date_source,
        "doc_type": m.doc_type,
        "doc_number": m.doc_number,
        "issuer": m.issuer,
        "pages": len(doc.pages),
        "characters": len(doc.text),
        "sentences": len(doc.sentences),
        "agglomerations": [
            {"id": a.id, "name": a.name, "kind": a.kind, "known": a.known, "count": a.count}
            for a in ex.agglomerations
        ],
        "primary_agglomeration": ex.primary_agglomeration,
        "mentions": [
            {
                "kind": mn.kind,
                "type": mn.type,
                "text": mn.text,
                "sentence": mn.sentence,
                "sentence_index": mn.sentence_index,
                "page": mn.page,
                "start": mn.start,
                "end": mn.end,
                "score": mn.score,
                "source": mn.source,
                "attributes": mn.attributes,
            }
            for mn in ex.mentions
        ],
        "warnings": list(doc.warnings),
        "versions": dict(ex.versions),
    }


def to_output(documents: list[dict[str, Any]], errors: list[dict[str, str]]) -> dict[str, Any]:
    """The whole ``policytext/v1`` JSON object."""
    return {"schema": "policytext/v1", "documents": documents, "errors": errors}
