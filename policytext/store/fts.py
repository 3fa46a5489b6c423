"""Text as the store keeps it: the full-text index tokens and query, and storable strings.

The FTS5 index holds every Han character as a token of its own, so a phrase of single
characters finds any Chinese substring; user input reaches FTS5 only as quoted phrases.
"""

from __future__ import annotations

import os
import re

# str.translate table: every Han character -> the character between spaces (C speed).
_HAN_SPACED = {
    cp: f" {chr(cp)} "
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    for cp in range(lo, hi + 1)
}
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUERY_TERM_RE = re.compile(r'"[^"]+"|\S+')


def printable(text: str) -> str:
    """``text`` as SQLite (UTF-8) can store it: a lone surrogate becomes U+FFFD."""
    return _SURROGATE_RE.sub("\ufffd", text) if _SURROGATE_RE.search(text) else text


def printable_path(path: str | os.PathLike[str]) -> str:
    """A path as stored and shown: bytes of the name that are not UTF-8 become ``\\xNN``.

    File names on Linux are bytes; Python decodes the undecodable ones to surrogates
    (``surrogateescape``), which UTF-8 cannot encode. The printable form keeps the
    name recognisable (``bad-\\xff.txt``) and never crashes a write or a message.
    """
    text = os.fspath(path)
    if not _SURROGATE_RE.search(text):
        return text
    try:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return printable(text)


def fts_tokens(text: str) -> str:
    """The text as indexed: every Han character a token of its own, other words kept.

    Searching a phrase of single characters then finds any Chinese substring, so that
    two-character words such as 补偿 are findable inside 生态保护补偿机制.

    The index is contentless: a sentence's index row is deleted by giving these same tokens
    again. A change to this function therefore needs a schema migration that rebuilds the index
    (as :meth:`~policytext.store.db.Store.compact` does).
    """
    return text.translate(_HAN_SPACED)


def query_groups(query: str) -> list[list[str]]:
    """The alternatives of a search string: groups separated by a bare ``OR`` (or ``|``), each a
    list of terms that must all occur; quotes group words and keep ``OR`` literal.

    >>> query_groups('生态补偿 OR 成本共担 "长三角"')
    [['生态补偿'], ['成本共担', '长三角']]
    """
    groups: list[list[str]] = [[]]
    query = _CONTROL_RE.sub(" ", printable(query))  # a NUL would end the FTS5 string early
    for raw in _QUERY_TERM_RE.findall(query):
        if raw in ("OR", "|"):
            groups.append([])
            continue
        term = raw.strip('"').strip()
        if term:
            groups[-1].append(term)
    return [g for g in groups if g]


def fts_phrase(words: list[str]) -> str:
    """An FTS5 phrase of indexed words (``""`` when none has a character the index keeps).

    A double quote inside a word is written doubled, so the index's tokenizer splits the word
    there as it did when indexing (``10"t`` is the tokens ``10`` and ``t``); dropping it would
    join them into a token the index never saw.

    >>> fts_phrase(['10"t', "生"])
    '"10""t 生"'
    """
    kept = [w.replace('"', '""') for w in words if w.replace('"', "")]
    return '"' + " ".join(kept) + '"' if kept else ""


def fts_query(query: str) -> str:
    """Turn a user's search string into an FTS5 query: the terms of a group ANDed, groups ORed
    (see :func:`query_groups`), every term a quoted phrase.

    User input never reaches FTS5 syntax directly: every term becomes a quoted phrase.

    >>> fts_query('税收分成 "GDP"')
    '"税 收 分 成" AND "GDP"'
    >>> fts_query('税收分成 OR 成本共担')
    '("税 收 分 成") OR ("成 本 共 担")'
    """
    out = []
    for group in query_groups(query):
        phrases = []
        for term in group:
            phrase = fts_phrase(fts_tokens(term).split())
            if phrase:
                phrases.append(phrase)
        if phrases:
            out.append(" AND ".join(phrases))
    if len(out) > 1:
        return " OR ".join(f"({g})" for g in out)
    return out[0] if out else ""


__all__ = ["fts_phrase", "fts_query", "fts_tokens", "printable", "printable_path", "query_groups"]
