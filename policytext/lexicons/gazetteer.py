"""The agglomeration gazetteer's matcher: finding place groups in text.

The data (entries, loading, validation, aliases, lookup) is
:mod:`policytext.lexicons.gazetteer_data`; :class:`Gazetteer` adds to it the finding of
mentions of urban agglomerations (城市群), metropolitan areas (都市圈 / 城市圈),
strategy regions and foreign city groups in clean, simplified Chinese text.

What :meth:`Gazetteer.find` recognises, in this order of precedence:

1. **Names and aliases** (with every dash variant of dashed forms), longest
   first, through one trie-shaped regular expression. *Blocked* forms
   (``泛珠三角``, ``四大湾区`` …) take part in the longest match but yield nothing,
   so the shorter alias inside them is not reported. *Conditional* aliases
   (``双城经济圈``) count only when the text (or the ``context`` given) contains
   one of their required strings (``成渝``).
2. **Coordinated lists sharing one head**: ``京津冀、长三角、长江中游等城市群``.
   Walking back from a head word (城市群 / 都市圈 / 城市圈, or 地区 / 区域 for lists
   with at least two members of which one is a full alias), members separated by
   ``、 和 与 及 以及 或`` are read as aliases *or context aliases*. Context
   aliases (``中原``, ``北部湾``, ``关中`` …) are recognised only this way, so
   ``北部湾大学`` or ``关中地区农业`` never match.
3. **Unlisted place groups**: ``<place name>都市圈`` / ``<place>城市群`` /
   ``<place>城市圈`` becomes a match with ``known=False`` whose id and name are
   the surface form, provided the prefix looks like a place name (a known
   province or city, or 2–4 Han characters that are not a generic modifier,
   numeral or demonstrative, each character abbreviating a place).

The caller normalises the text first (NFKC, traditional to simplified);
offsets are offsets into the string given.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from policytext.clean.resources import HAN_UNIFIED
from policytext.lexicons.gazetteer_data import (
    CANONICAL_DASH,
    DEFAULT_DASHES,
    DEFAULT_RESOURCE,
    GAZETTEER_NAME,
    KINDS,
    Entry,
    GazetteerData,
)

__all__ = [
    "CANONICAL_DASH",
    "DEFAULT_DASHES",
    "DEFAULT_RESOURCE",
    "GAZETTEER_NAME",
    "KINDS",
    "AggloMatch",
    "Entry",
    "Gazetteer",
    "GazetteerData",
    "trie_pattern",
]

_HAN_RE = re.compile(f"[{HAN_UNIFIED}]")
_STRONG_HEADS = ("城市群", "都市圈", "城市圈")
_WEAK_HEADS = ("地区", "区域")
_HEAD_RE = re.compile("|".join(_STRONG_HEADS + _WEAK_HEADS))
#: What may stand between the last list member and the head word:
#: an ellipsis, 等 / 等等, a count such as 10个 / 十大 / 两个.
_LIST_MARKER_RE = re.compile(
    r"(?:(?:……|…|⋯+|\.{2,})\s*)?(?:等等|等)?\s*(?:[0-9一二三四五六七八九十两几数]+\s*(?:个|大))?\s*$"
)
_SEPARATORS = ("以及", "、", "和", "与", "及", "或")
_QUOTES = "\"'“”‘’「」『』《》"
#: Single characters that never start or end a place-name prefix.
_BAD_INITIALS = frozenset("该此这那各每其本某诸全跨整上下前后多单双两几数十百千万非泛")
_BAD_FINALS = frozenset("型级性化式类等个的之部大")
_FUNCTION_CHARS = frozenset("的之和与及或在对以为是将把从向由于等")
_NUMERALS = frozenset("0123456789一二三四五六七八九十百千万两几数零〇")
_MAX_PREFIX = 4
_MAX_RUN = 6


@dataclass(frozen=True, order=True)
class AggloMatch:
    """One place-group mention found in a text.

    ``text[start:end] == surface`` always holds. For an unlisted group
    (``known=False``) ``id`` and ``name`` are the surface form and ``kind`` is
    guessed from the head word.
    """

    start: int
    end: int
    surface: str
    id: str
    name: str
    kind: str
    known: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "known": self.known,
        }


def trie_pattern(words: Iterable[str]) -> str:
    """Compile words into one regex whose alternation is a character trie.

    At each position the regex prefers the longest word, and Python's ``re``
    tests only the branch of the next character, so the cost does not grow
    with the number of words.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        terminal = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if terminal else body

    return render(trie)


@dataclass
class _Compiled:
    """Lookup tables and regexes derived from a gazetteer (built once, lazily)."""

    full: dict[str, str] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    conditional: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    blocked: frozenset[str] = frozenset()
    regex: re.Pattern[str] | None = None
    max_member: int = 1
    places: frozenset[str] = frozenset()
    place_chars: frozenset[str] = frozenset()
    max_place: int = 1
    generic: frozenset[str] = frozenset()
    boundary: tuple[str, ...] = ()
    dash_chars: str = ""


class Gazetteer(GazetteerData):
    """The gazetteer's data (:class:`~policytext.lexicons.gazetteer_data.GazetteerData`) with
    :meth:`find`, the matcher of place-group mentions.

    Build one with :meth:`load`; the instance is immutable in use and can be
    shared by threads (the matching tables are built once, on first use).
    """

    # ------------------------------------------------------------------ matching

    @cached_property
    def _compiled(self) -> _Compiled:
        ambiguous = frozenset(self.header.get("ambiguous") or {})
        full: dict[str, str] = {}
        context: dict[str, str] = {}
        conditional: dict[str, tuple[str, tuple[str, ...]]] = {}
        for entry in self.entries.values():
            for form in self._expand_dashes((entry.name, *entry.aliases)):
                full.setdefault(form, entry.id)
            for form in self._expand_dashes(entry.context_aliases):
                context.setdefault(form, entry.id)
            for alias, requires in entry.conditional_aliases:
                for form in self._expand_dashes((alias,)):
                    conditional.setdefault(form, (entry.id, requires))
        blocked = frozenset(self.header.get("blocked") or ()) | ambiguous
        for form in ambiguous:
            full.pop(form, None)
            context.pop(form, None)
            conditional.pop(form, None)
        words = set(full) | set(conditional) | blocked
        places = frozenset(self.header.get("place_names") or ())
        return _Compiled(
            full=full,
            context=context,
            conditional=conditional,
            blocked=blocked,
            regex=re.compile(trie_pattern(words)) if words else None,
            max_member=max((len(w) for w in list(full) + list(context)), default=1),
            places=places,
            place_chars=frozenset(p[0] for p in places)
            | frozenset(self.header.get("place_abbreviations") or ""),
            max_place=max((len(p) for p in places), default=1),
            generic=frozenset(self.header.get("generic_prefixes") or ()),
            boundary=tuple(sorted(self.header.get("boundary_words") or (), key=len, reverse=True)),
            dash_chars="".join(self.dashes),
        )

    def find(self, text: str, *, context: str | None = None) -> list[AggloMatch]:
        """Find place-group mentions in clean simplified text.

        Args:
            text: the text to search (already normalised: NFKC, simplified).
            context: wider text (e.g. the whole document) consulted for
                conditional aliases such as 双城经济圈; defaults to ``text``.

        Returns:
            Non-overlapping matches sorted by offset; known groups first where
            spans would compete, then list members, then unlisted groups.
        """
        comp = self._compiled
        if not text:
            return []
        wider = text if context is None else context
        known: list[AggloMatch] = []
        taken: list[tuple[int, int]] = []  # spans of known and blocked forms, in order
        if comp.regex is not None:
            for m in comp.regex.finditer(text):
                surface = m.group()
                if not surface:
                    continue
                taken.append((m.start(), m.end()))
                if surface in comp.blocked:
                    continue
                entry_id = comp.full.get(surface)
                if entry_id is None:
                    entry_id, requires = comp.conditional[surface]
                    if not any(req in wider for req in requires):
                        continue
                known.append(self._match(m.start(), m.end(), surface, entry_id))
        known_by_end = {m.end: m for m in known}
        listed = self._find_lists(text, taken, known_by_end)
        taken_all = sorted(taken + [(m.start, m.end) for m in listed])
        unknown = self._find_unlisted(text, taken_all)
        result = {(m.start, m.end): m for m in unknown}
        result.update({(m.start, m.end): m for m in listed})
        result.update({(m.start, m.end): m for m in known})
        return _drop_overlaps(sorted(result.values(), key=lambda m: (m.start, m.end)))

    def _match(self, start: int, end: int, surface: str, entry_id: str) -> AggloMatch:
        entry = self.entries[entry_id]
        return AggloMatch(start, end, surface, entry.id, entry.name, entry.kind, True)

    def _find_lists(
        self, text: str, taken: list[tuple[int, int]], known_by_end: Mapping[int, AggloMatch]
    ) -> list[AggloMatch]:
        """Expand coordinated lists that share one head word."""
        found: list[AggloMatch] = []
        for head in _HEAD_RE.finditer(text):
            h0, h1 = head.span()
            strong = head.group() in _STRONG_HEADS
            owner = _covering(taken, h0, h1)
            if owner is not None:
                # The head is part of a known form: only a full alias that ends
                # with it (关中平原城市群, 京津冀地区) closes a list.
                last = known_by_end.get(h1)
                if last is None or last.start != owner[0]:
                    continue
                members: list[tuple[int, int, str, bool]] = [(last.start, last.end, last.id, True)]
                pos = last.start
                need_separator = True
                marker = False
            else:
                window_start = max(0, h0 - 24)
                mark = _LIST_MARKER_RE.search(text, window_start, h0)
                pos = mark.start() if mark else h0
                marker = bool(mark and mark.group().strip())
                members = []
                need_separator = False
            pos = _skip_quotes_back(text, pos)
            while True:
                if need_separator:
                    sep = _separator_before(text, pos)
                    if sep is None:
                        break
                    pos = _skip_quotes_back(text, sep)
                member = self._member_before(text, pos)
                if member is not None:
                    start, entry_id, is_full = member
                    members.append((start, pos, entry_id, is_full))
                    pos = _skip_quotes_back(text, start)
                    need_separator = True
                    continue
                filler = _filler_before(text, pos) if need_separator and members else None
                if filler is None:
                    break
                pos = _skip_quotes_back(text, filler)
            if not members:
                continue
            fulls = sum(1 for m in members if m[3])
            if strong:
                if len(members) == 1 and not marker and owner is None:
                    # 长中游城市群: a lone context alias right before the head
                    # counts only for the head of its own kind.
                    entry = self.entries[members[0][2]]
                    if (entry.kind == "agglomeration") != (head.group() == "城市群"):
                        continue
            elif len(members) < 2 or fulls == 0:
                continue
            for start, end, entry_id, _is_full in members:
                if _covering(taken, start, end) is None:
                    found.append(self._match(start, end, text[start:end], entry_id))
        return found

    def _member_before(self, text: str, end: int) -> tuple[int, str, bool] | None:
        """Longest alias or context alias that ends exactly at ``end``."""
        comp = self._compiled
        for length in range(min(comp.max_member, end), 0, -1):
            form = text[end - length : end]
            if form in comp.full:
                return end - length, comp.full[form], True
            if form in comp.context:
                return end - length, comp.context[form], False
        return None

    def _find_unlisted(self, text: str, taken: list[tuple[int, int]]) -> list[AggloMatch]:
        """Recognise ``<place>都市圈 / 城市群 / 城市圈`` not in the gazetteer."""
        found: list[AggloMatch] = []
        for head in _HEAD_RE.finditer(text):
            if head.group() not in _STRONG_HEADS:
                continue
            h0, h1 = head.span()
            if _covering(taken, h0, h1) is not None:
                continue
            start = self._place_prefix_start(text, h0)
            if start is None:
                continue
            if _covering(taken, start, h1) is not None:
                continue
            surface = text[start:h1]
            kind = "agglomeration" if head.group() == "城市群" else "metro"
            found.append(AggloMatch(start, h1, surface, surface, surface, kind, False))
        return found

    def _place_prefix_start(self, text: str, head_start: int) -> int | None:
        """Start of a place-name prefix ending at ``head_start``, or None."""
        comp = self._compiled
        # 1. known place names, possibly chained with dashes (西宁—海东), with an
        #    optional 大 before 都市圈 (南昌大都市圈).
        pos = head_start
        if pos > 0 and text[pos - 1] == "大":
            pos -= 1
        start = None
        while True:
            hit = None
            for length in range(min(comp.max_place, pos), 1, -1):
                if text[pos - length : pos] in comp.places:
                    hit = pos - length
                    break
            if hit is None:
                break
            start = pos = hit
            if pos > 1 and text[pos - 1] in comp.dash_chars and _HAN_RE.match(text[pos - 2]):
                pos -= 1
                continue
            break
        if start is not None:
            prefix = text[start:head_start].rstrip("大")
            if prefix not in comp.generic:
                return start
        # 2. 2–4 Han characters that read as a chain of place abbreviations
        #    (衢丽, 济青, 厦漳泉): each one starts a known place name or is a
        #    province abbreviation, and none is generic.
        run_start = head_start
        while run_start > 0 and head_start - run_start < _MAX_RUN and _HAN_RE.match(text[run_start - 1]):
            run_start -= 1
        run = text[run_start:head_start]
        bounded = run_start == 0 or not _HAN_RE.match(text[run_start - 1])
        for length in range(min(_MAX_PREFIX, len(run)), 1, -1):
            candidate, rest = run[-length:], run[:-length]
            if not self._looks_like_place(candidate):
                continue
            if (not rest and bounded) or (rest and rest.endswith(comp.boundary)):
                return head_start - length
        return None

    def _looks_like_place(self, candidate: str) -> bool:
        comp = self._compiled
        if candidate in comp.generic or candidate in comp.full or candidate in comp.context:
            return False
        if candidate[0] in _BAD_INITIALS or candidate[-1] in _BAD_FINALS:
            return False
        if not all(ch in comp.place_chars for ch in candidate):
            return False
        if any(ch in _NUMERALS or ch in _FUNCTION_CHARS for ch in candidate):
            return False
        if candidate.startswith(comp.boundary):
            return False
        return not any(candidate.endswith(g) or candidate.startswith(g) for g in comp.generic if len(g) > 1)


# ---------------------------------------------------------------------- helpers


def _covering(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The first span of ``spans`` (sorted by start) that overlaps ``[start, end)``, if any."""
    index = max(bisect.bisect_right(spans, (start, start)) - 1, 0)
    # Spans may nest or repeat; step back over any earlier span still open at ``start``.
    while index > 0 and spans[index - 1][1] > start:
        index -= 1
    for position in range(index, len(spans)):
        s, e = spans[position]
        if s >= end:
            break
        if start < e:
            return (s, e)
    return None


def _skip_quotes_back(text: str, pos: int) -> int:
    while pos > 0 and (text[pos - 1] in _QUOTES or text[pos - 1] == " "):
        pos -= 1
    return pos


def _separator_before(text: str, pos: int) -> int | None:
    """Start of a list separator ending at ``pos``, or None."""
    for sep in _SEPARATORS:
        if text.endswith(sep, 0, pos):
            return pos - len(sep)
    return None


def _filler_before(text: str, pos: int) -> int | None:
    """Start of an unrecognised 2–4 Han-character member bounded by a separator."""
    for length in range(1, _MAX_PREFIX + 1):
        start = pos - length
        if start < 0 or not _HAN_RE.match(text[start]):
            return None
        if length >= 2 and _separator_before(text, start) is not None:
            return start
    return None


def _drop_overlaps(matches: list[AggloMatch]) -> list[AggloMatch]:
    """Keep the first of overlapping matches (input sorted by offset)."""
    out: list[AggloMatch] = []
    for m in matches:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out
