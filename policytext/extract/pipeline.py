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
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import policytext
from policytext.classify.model import MechanismClassifier
from policytext.clean.resources import HAN_RE
from policytext.clean.sentences import line_starts
from policytext.extract.boilerplate import boilerplate_indexes
from policytext.extract.measures import find_measures
from policytext.extract.rules import domains_of, match_types, stage_of, status_of
from policytext.lexicons.gazetteer import Gazetteer
from policytext.lexicons.taxonomy import Taxonomy
from policytext.types import AgglomerationCount, Document, Extraction, Mention

_HEADING_LINE = re.compile(
    r"^(?:#+\s*)?(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百]+[章节]|\d{1,2}[.、．])"
)
_MIN_SENTENCE = 6
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇]+条")


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
            except policytext.errors.ModelError:
                clf = None
        else:
            clf = MechanismClassifier.load(model)  # type: ignore[arg-type]
        if clf is not None and set(clf.labels) - set(tx.ids):
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
            agg_mentions.append(Mention(
                kind="agglomeration", type=m.id, text=m.surface, sentence=s.text if s else "",
                sentence_index=si, start=m.start, end=m.end, page=doc.page_of(m.start), score=1.0, source="rule",
                attributes={"name": m.name, "kind": m.kind, "known": m.known},
            ))
        aggs = [AgglomerationCount(i, info[i][0], info[i][1], info[i][2], counts[i])
                for i in sorted(counts, key=lambda k: (-counts[k], first_seen[k]))]
        known_ranked = [a.id for a in aggs if a.known and a.kind != "foreign"]
        primary = known_ranked[0] if known_ranked else None

        # 3. mechanisms
        candidates = [s for s in sents if s.index not in boiler and len(s.text) >= _MIN_SENTENCE and HAN_RE.search(s.text)]
        rule_hits = {s.index: match_types(s.text, self.taxonomy) for s in candidates}
        model_probs: dict[int, dict[str, float]] = {}
        if self.model is not None and candidates:
            probs = self.model.predict_proba([s.text for s in candidates])
            for s, row in zip(candidates, probs):
                model_probs[s.index] = {lab: float(p) for lab, p in zip(self.model.labels, row)}
        add_t = self.threshold
        article_structured = sum(
            1 for line in text.split("\n") if _ARTICLE.match(line)) >= 3
        mech: list[Mention] = []
        heading_aggs = self._context_agglomerations(doc, per_sentence)
        for s in candidates:
            hits = {h.type: h for h in rule_hits[s.index]}
            probs_s = model_probs.get(s.index, {})
            types = dict.fromkeys(hits)
            for lab, p in probs_s.items():
                if p >= add_t and lab not in types:
                    types[lab] = None
            if not types:
                continue
            status = status_of(s.text, self.taxonomy, provision=article_structured and not _HEADING_LINE.match(s.text))
            domains = domains_of(s.text, self.taxonomy)
            linked = per_sentence.get(s.index) or heading_aggs.get(s.index) or ([primary] if primary else [])
            for t in types:
                h = hits.get(t)
                p = probs_s.get(t)
                if h is not None:
                    a, b, source = s.start + h.start, s.start + h.end, "both" if (p is not None and p >= 0.5) else "rule"
                    score = max(p or 0.0, 0.7 if h.weak else 0.9)
                    cue_at = h.start
                else:
                    a, b, source, score, cue_at = s.start, s.end, "model", float(p or 0.0), 0
                mech.append(Mention(
                    kind="mechanism", type=t, text=text[a:b], sentence=s.text, sentence_index=s.index, start=a, end=b,
                    page=s.page, score=round(score, 4), source=source,
                    attributes={"status": status, "stage": stage_of(s.text, cue_at, self.taxonomy), "domains": domains,
                                "agglomerations": list(linked), "family": self._family(t)},
                ))
        # 5. measures
        meas: list[Mention] = []
        if self.measures:
            for s in candidates:
                if not s.text.endswith(("。", "；", "！", "”")):
                    continue  # titles and headings name topics, not concrete actions
                for a, b in find_measures(s.text):
                    linked = per_sentence.get(s.index) or heading_aggs.get(s.index) or ([primary] if primary else [])
                    meas.append(Mention(
                        kind="measure", type="measure", text=s.text[a:b], sentence=s.text, sentence_index=s.index,
                        start=s.start + a, end=s.start + b, page=s.page, score=0.8, source="rule",
                        attributes={"domains": domains_of(s.text, self.taxonomy), "agglomerations": list(linked)},
                    ))
        mentions = sorted(agg_mentions + mech + meas, key=lambda m: (m.start, m.kind, m.type))
        return Extraction(mentions=mentions, agglomerations=aggs, primary_agglomeration=primary,
                          boilerplate=sorted(boiler), versions=dict(self.versions))

    def _family(self, type_id: str) -> str:
        t = self.taxonomy.get(type_id)
        return t.family if t else ""

    def _context_agglomerations(self, doc: Document, per_sentence: dict[int, list[str]]) -> dict[int, list[str]]:
        """For each sentence: agglomerations of its paragraph, else of the nearest heading above."""
        text = doc.text
        starts = line_starts(text, doc.sentences)
        paragraph: dict[int, list[str]] = {}  # line start -> agglomerations named in that paragraph
        for s, ls in zip(doc.sentences, starts):
            found = paragraph.setdefault(ls, [])
            for a in per_sentence.get(s.index, []):
                if a not in found:
                    found.append(a)
        out: dict[int, list[str]] = {}
        current_heading: list[str] = []
        previous = -1
        for s, ls in zip(doc.sentences, starts):
            if ls != previous:
                previous = ls
                line_end = text.find("\n", ls)
                line = text[ls: line_end if line_end != -1 else len(text)]
                if _HEADING_LINE.match(line) and len(line) <= 60:
                    current_heading = per_sentence.get(s.index, []) or current_heading
            out[s.index] = paragraph[ls] or current_heading
        return out


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
        raise LexiconError(f"{path}, line 1: not JSON ({exc.msg}); a gazetteer is one JSON object per line") from exc
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
            {"id": a.id, "name": a.name, "kind": a.kind, "known": a.known, "count": a.count} for a in ex.agglomerations
        ],
        "primary_agglomeration": ex.primary_agglomeration,
        "mentions": [
            {
                "kind": mn.kind, "type": mn.type, "text": mn.text, "sentence": mn.sentence,
                "sentence_index": mn.sentence_index, "page": mn.page, "start": mn.start, "end": mn.end,
                "score": mn.score, "source": mn.source, "attributes": mn.attributes,
            }
            for mn in ex.mentions
        ],
        "warnings": list(doc.warnings),
        "versions": dict(ex.versions),
    }


def to_output(documents: list[dict[str, Any]], errors: list[dict[str, str]]) -> dict[str, Any]:
    """The whole ``policytext/v1`` JSON object."""
    return {"schema": "policytext/v1", "documents": documents, "errors": errors}
