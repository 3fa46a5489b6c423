"""Rule matching of mechanism types and their attributes (status, stage, domains).

Rules are data (the taxonomy file); this module applies them to one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from policytext.clean.headings import ARTICLE_LINE, HEADING_LINE
from policytext.lexicons.taxonomy import Taxonomy

_BOOK_TITLE = re.compile(r"《[^》]{0,80}》")
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


def sentence_status(
    sentence: str, taxonomy: Taxonomy, *, article_structured: bool, news: bool = False
) -> str:
    """The rule status of a sentence of a document (a heading is never a provision).

    Args:
        article_structured: the document is a legal or official text of articles (第X条).
        news: the document is a news report; a sentence of it that assigns no task reports
            what was signed, opened or set up: ``established`` (ANNOTATING.md, Status).
    """
    heading = bool(HEADING_LINE.match(sentence))
    status = status_of(sentence, taxonomy, provision=article_structured and not heading)
    if news and status == "proposed" and not heading:
        task = taxonomy.status.get("news_task") or taxonomy.status.get("provision_task")
        if task is not None and not task.search(_BOOK_TITLE.sub("", sentence)):
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


def match_types(sentence: str, taxonomy: Taxonomy) -> list[CueMatch]:
    """Every type whose cues fire in the sentence (one match per type, first in the text).

    A weak cue fires only when the sentence shows a cross-jurisdiction context; a cue
    inside a document title 《…》 does not count; a type's exclusion pattern vetoes it, and
    so does the absence of every one of its ``require`` patterns (searched outside titles);
    a sentence matching a ``[guards] no_mechanism`` pattern (a reference-list entry, …)
    asserts no type at all.
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
        req = t.require_re
        if req is not None and not req.search(untitled):
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


def status_of(sentence: str, taxonomy: Taxonomy, *, provision: bool = False) -> str:
    """proposed | established | lacking, from the modal and aspect words of the sentence.

    Args:
        provision: the sentence is a provision of an article-structured legal or official
            text (第X条 …); one that assigns no task describes a standing arrangement and is
            ``established`` (TAXONOMY.md, status in legal and official texts).
    """
    text = _BOOK_TITLE.sub("", sentence)
    lack = taxonomy.status.get("lacking")
    if lack is not None and lack.search(text):
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
