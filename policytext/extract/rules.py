"""Rule matching of mechanism types and their attributes (status, stage, domains).

Rules are data (the taxonomy file); this module applies them to one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policytext.clean.headings import ARTICLE_LINE, HEADING_LINE, heading_level
from policytext.lexicons.taxonomy import MechanismType, Taxonomy

_BOOK_TITLE = re.compile(r"《[^》]{0,80}》")
#: An unnumbered line this short without a full stop can be a heading (review parts).
_SHORT_HEADING = 40
_FULL_STOPS = ("。", "；", ";", "！", "？", "，")
_GENERIC_ONLY = re.compile(r"体制机制|一体化(?:发展)?机制|协调发展机制|合作机制|联动机制|推进机制")


def is_article_structured(lines: Iterable[str]) -> bool:
    """Whether a text is article-structured (at least three lines open with 第X条)."""
    return sum(1 for line in lines if ARTICLE_LINE.match(line)) >= 3


def sentence_context(sentence: str, *, article_structured: bool, news: bool) -> set[str]:
    """Context features of a sentence for the classifier (``ctx:heading``, ``ctx:article``, ``ctx:news``)."""
    out = set()
    if HEADING_LINE.match(sentence):
        out.add("ctx:heading")
    elif article_structured:
        out.add("ctx:article")
    if news:
        out.add("ctx:news")
    return out


def review_indexes(sentences: Sequence[str], taxonomy: Taxonomy) -> set[int]:
    """Indexes of the sentences that review past work (the review part of a work report).

    A heading matching the taxonomy's ``status.review_heading`` (工作回顾, 发展成就, …: a
    top-level ``一、`` heading, or a short unnumbered line without a full stop) opens a review
    part, and so does a sentence opening with ``status.review_sentence`` (过去一年, 过去五年,
    回顾过去, …); the next top-level heading (``一、`` / ``第X章``) that does not match
    ``review_heading`` ends the part.
    """
    start = taxonomy.status.get("review_heading")
    opener = taxonomy.status.get("review_sentence")
    out: set[int] = set()
    inside = False
    for i, sentence in enumerate(sentences):
        text = sentence.strip()
        names_review = bool(start is not None and start.search(text))
        level = heading_level(text)
        if level == 1:
            inside = names_review
        elif names_review and len(text) <= _SHORT_HEADING and not text.endswith(_FULL_STOPS):
            inside = True
        if opener is not None and opener.match(text):
            inside = True
        if inside:
            out.add(i)
    return out


def sentence_status(
    sentence: str,
    taxonomy: Taxonomy,
    *,
    article_structured: bool,
    news: bool = False,
    review: bool = False,
) -> str:
    """The rule status of a sentence of a document.

    Args:
        article_structured: the document is a legal or official text of articles (第X条); its
            list items (（一）…；) are provisions too, its headings are not.
        news: the document is a news report; a sentence of it that assigns no task, or that
            reports a fact (``status.news_fact``: 日前, 已, 共建115个, …) and states no plan
            (``status.future``), reports what was signed, opened or set up: ``established``.
        review: the sentence reviews past work (:func:`review_indexes`): ``established``
            unless it names a weakness (``lacking``) or states a plan (``status.future``).
    The vocabulary of every rule is the taxonomy's ``[status]`` table (ANNOTATING.md, Status).
    """
    text = _BOOK_TITLE.sub("", sentence).strip()
    heading = bool(HEADING_LINE.match(text))
    list_item = heading and article_structured and text.endswith(("；", ";", "。"))
    status = status_of(sentence, taxonomy, provision=article_structured and (not heading or list_item))
    if status == "lacking":
        return status
    future = taxonomy.status.get("future")
    planned = bool(future is not None and future.search(text))
    if review and not planned:
        return "established"
    if news and status == "proposed":
        fact = taxonomy.status.get("news_fact")
        if fact is not None and not planned and fact.search(text):
            return "established"
        task = taxonomy.status.get("news_task") or taxonomy.status.get("provision_task")
        if not heading and task is not None and not task.search(text):
            return "established"
    return status


@dataclass(frozen=True)
class CueMatch:
    """A type asserted by a sentence, with the span of the cue that fired."""

    type: str
    start: int  # offsets within the sentence
    end: int
    cue: str
    weak: bool = False


def _title_spans(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BOOK_TITLE.finditer(sentence)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def match_types(sentence: str, taxonomy: Taxonomy, *, scoped: bool = False) -> list[CueMatch]:
    """Every type whose cues fire in the sentence (one match per type, first in the text).

    A weak cue fires only when the sentence shows a cross-jurisdiction context; a cue
    inside a document title 《…》 does not count; a type's exclusion pattern vetoes it, and
    so does the absence of every one of its ``require`` patterns (searched outside titles);
    a sentence matching a ``[guards] no_mechanism`` pattern (a reference-list entry, …)
    asserts no type at all.

    Args:
        scoped: the document's scope is several jurisdictions (:func:`document_scoped`), so a
            type that needs parties (``require = ["@parties"]``) has them without the sentence
            naming one.
    """
    any_cue = taxonomy.any_cue
    if any_cue is not None and not any_cue.search(sentence):
        return []
    guard = taxonomy.guard_re
    if guard is not None and guard.search(sentence):
        return []
    titles = _title_spans(sentence)
    untitled = _BOOK_TITLE.sub("", sentence)
    has_context = bool(taxonomy.context.search(untitled)) if taxonomy.context else True
    out: list[CueMatch] = []
    for t in taxonomy.types:
        ex = t.exclude_re
        if ex is not None and ex.search(sentence):
            continue
        if not _required(t, untitled, taxonomy, scoped):
            continue
        best: CueMatch | None = None
        for weak, pattern in ((False, t.cue_re), (True, t.weak_re)):
            if pattern is None or (weak and not has_context):
                continue
            for m in pattern.finditer(sentence):
                if m.end() == m.start() or _inside(m.span(), titles):
                    continue
                if best is None or m.start() < best.start:
                    best = CueMatch(t.id, m.start(), m.end(), m.group(), weak)
                break
        if best is not None:
            out.append(best)
    return out


def _required(t: MechanismType, untitled: str, taxonomy: Taxonomy, scoped: bool) -> bool:
    """Whether the type's requirements hold: one ``require`` pattern, or its parties."""
    req = t.require_re
    if req is None and not t.needs_parties:
        return True
    if req is not None and req.search(untitled):
        return True
    if t.needs_parties:
        return scoped or (taxonomy.parties is not None and bool(taxonomy.parties.search(untitled)))
    return False


#: How many opening sentences (title, abstract, preamble) state a document's scope.
SCOPE_SENTENCES = 5


def document_scoped(sentences: Sequence[str], taxonomy: Taxonomy) -> bool:
    """Whether a document is about an area of several jurisdictions: its title or opening
    (the first :data:`SCOPE_SENTENCES` sentences) matches ``[context] scope`` (城市群, 都市圈,
    一体化, 合作区, a river basin, …). Its mechanisms then have their parties from the scope."""
    scope = taxonomy.scope
    if scope is None:
        return False
    return any(scope.search(s) for s in sentences[:SCOPE_SENTENCES])


def document_names(sentences: Sequence[str], taxonomy: Taxonomy) -> dict[str, str]:
    """Names a document defines as an arrangement of a type: name -> type id.

    A type's ``defines`` patterns capture, as group ``name`` (and ``short`` for a
    "以下简称" short form), a body the document declares jointly formed by different
    jurisdictions (合作区管理委员会由…双方…联合组建) or a basin's coordination mechanism it
    sets up. Names inside a book title 《…》 are not definitions.
    """
    out: dict[str, str] = {}
    for sentence in sentences:
        text = _BOOK_TITLE.sub("", sentence)
        for t in taxonomy.types:
            for pattern in t.defines:
                for m in pattern.finditer(text):
                    for group in ("name", "short"):
                        name = m.groupdict().get(group)
                        if name:
                            out.setdefault(name, t.id)
    return out


def match_document(sentences: Sequence[str], taxonomy: Taxonomy) -> list[list[CueMatch]]:
    """:func:`match_types` of every sentence of a document, plus the names it defines.

    A sentence naming a body the document defines (:func:`document_names`) carries that
    body's type (a jointly formed council is ``coordination_body`` wherever the document
    says what it does), unless the type's exclusion or a ``[guards]`` pattern vetoes it.
    """
    scoped = document_scoped(sentences, taxonomy)
    hits = [match_types(s, taxonomy, scoped=scoped) for s in sentences]
    names = document_names(sentences, taxonomy)
    if not names:
        return hits
    finder = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    guard = taxonomy.guard_re
    for k, sentence in enumerate(sentences):
        if guard is not None and guard.search(sentence):
            continue
        titles = _title_spans(sentence)
        have = {h.type for h in hits[k]}
        for m in finder.finditer(sentence):
            type_id = names[m.group()]
            t = taxonomy.get(type_id)
            if type_id in have or t is None or _inside(m.span(), titles):
                continue
            if t.exclude_re is not None and t.exclude_re.search(sentence):
                continue
            hits[k].append(CueMatch(type_id, m.start(), m.end(), m.group()))
            have.add(type_id)
    return hits


def status_of(sentence: str, taxonomy: Taxonomy, *, provision: bool = False) -> str:
    """proposed | established | lacking, from the modal and aspect words of the sentence.

    Args:
        provision: the sentence is a provision of an article-structured legal or official
            text (第X条 …); one that assigns no task describes a standing arrangement and is
            ``established`` (TAXONOMY.md, status in legal and official texts).
    """
    text = _BOOK_TITLE.sub("", sentence)
    removed = taxonomy.status.get("lacking_removed")
    lack = taxonomy.status.get("lacking")
    # a call to remove a barrier (破除…壁垒, 打通…堵点) names a task, not a weakness
    if lack is not None and lack.search(removed.sub("", text) if removed is not None else text):
        return "lacking"
    est = taxonomy.status.get("established")
    if est is not None and est.search(text):
        return "established"
    task = taxonomy.status.get("provision_task")
    if provision and task is not None and not task.search(text):
        return "established"
    return "proposed"


_CLAUSE_END = re.compile(r"[，,；;。！？!?]")


def stage_of(sentence: str, cue_start: int, taxonomy: Taxonomy) -> str | None:
    """The governing verb's stage: ``explore`` when the cue's clause speaks of pilots or
    study (试点, 探索, 研究), else the stage word nearest before the cue, else after it."""
    explore = taxonomy.stage.get("explore")
    if explore is not None:
        left = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, cue_start)), default=0)
        right_m = _CLAUSE_END.search(sentence, cue_start)
        right = right_m.start() if right_m else len(sentence)
        if explore.search(sentence, left, right):
            return "explore"
    best: tuple[int, str] | None = None
    for stage, pattern in taxonomy.stage.items():
        for m in pattern.finditer(sentence, 0, cue_start + 1):
            d = cue_start - m.end()
            if d >= 0 and (best is None or d < best[0]):
                best = (d, stage)
    if best is not None and best[0] <= 30:
        return best[1]
    for stage, pattern in taxonomy.stage.items():
        after = pattern.search(sentence, cue_start)
        if after and after.start() - cue_start <= 20:
            return stage
    return best[1] if best else None


def domains_of(sentence: str, taxonomy: Taxonomy) -> list[str]:
    """Domains named in the sentence, in taxonomy order."""
    return [d for d, p in taxonomy.domains.items() if p.search(sentence)]


def is_generic_only(sentence: str) -> bool:
    """Whether the sentence names mechanisms only in the generic sense."""
    return bool(_GENERIC_ONLY.search(sentence))
