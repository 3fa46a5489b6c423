"""Document metadata from the clean text: title, issue date, 文号, issuer, document type.

:func:`extract_metadata` is the entry point: it reads the clean text (simplified Chinese, one
paragraph per line) plus whatever the reader found in the file format (PDF info, HTML meta
tags, docx core properties) and the file name. Every value it sets is explained in
``Metadata.sources`` ("text line 3: 2019年2月19日 (signature date)").

One module per question:

* :mod:`~policytext.ingest.metadata.lines`: the numbered lines and the windows searched;
* :mod:`~policytext.ingest.metadata.dates`: written dates parsed to ``YYYY[-MM[-DD]]``;
* :mod:`~policytext.ingest.metadata.issue_date`: the date candidates and the one chosen
  (the rules, strongest first, are listed there);
* :mod:`~policytext.ingest.metadata.weak_year`: the year-only lower bound, the last resort;
* :mod:`~policytext.ingest.metadata.title`: the title;
* :mod:`~policytext.ingest.metadata.issuer`: the 文号 and the issuer;
* :mod:`~policytext.ingest.metadata.doc_type`: the document type.

The labels of a journal article (摘要, 关键词, 参考文献) have their home in
:mod:`policytext.clean.cues`, the web-page furniture the title search skips in
:mod:`policytext.clean.chrome`, the Han ranges in :mod:`policytext.clean.resources`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from policytext.ingest.metadata.dates import parse_date
from policytext.ingest.metadata.doc_type import classify_doc_type
from policytext.ingest.metadata.issue_date import (
    DateCandidate,
    choose_date,
    date_from_filename,
    metadata_date,
    text_date_candidates,
)
from policytext.ingest.metadata.issuer import find_doc_number, find_issuer
from policytext.ingest.metadata.lines import text_lines
from policytext.ingest.metadata.title import find_title
from policytext.ingest.metadata.weak_year import weak_year_guess
from policytext.types import Metadata

__all__ = [
    "DateCandidate",
    "classify_doc_type",
    "date_from_filename",
    "extract_metadata",
    "find_doc_number",
    "find_title",
    "parse_date",
    "text_date_candidates",
    "weak_year_guess",
]


def extract_metadata(
    text: str, *, path: str, format_meta: dict[str, Any] | None = None, today: date | None = None
) -> Metadata:
    """Title, issue date, 文号, issuer and type of a document, each with its source.

    Args:
        text: the clean document text (simplified Chinese, one paragraph per line).
        path: the input path (its file name is the last resort for the date).
        format_meta: metadata found by the reader (``ExtractedText.meta``): a
            ``title`` and dates under ``date``/``pubdate``/``created``/``CreationDate``….
        today: the reference day for "not in the future" checks; defaults to today.

    Returns:
        a :class:`~policytext.types.Metadata`; ``sources`` maps each field that was
        set to where it came from.
    """
    today = today or date.today()
    sources: dict[str, str] = {}
    lines = text_lines(text)

    title_hit = find_title(text)
    title: str | None = None
    if title_hit:
        title = title_hit[0]
        sources["title"] = f"text line {title_hit[1]}"
    elif format_meta:
        meta_title = next(
            (
                str(v).strip()
                for k, v in format_meta.items()
                if str(k).lstrip("/").lower() == "title" and str(v).strip()
            ),
            None,
        )
        if meta_title:
            title = meta_title
            sources["title"] = "format metadata title"

    candidates = text_date_candidates(text, title=title_hit, today=today)
    for extra in (metadata_date(format_meta, today=today), date_from_filename(path, today=today)):
        if extra:
            candidates.append(extra)
    if not candidates:
        weak = weak_year_guess(text, title=title, today=today)
        if weak:
            candidates.append(weak)
    chosen = choose_date(candidates)
    if chosen:
        sources["date"] = chosen.note

    number = find_doc_number(text)
    if number:
        sources["doc_number"] = f"text line {number[1]}"

    issuer = find_issuer(lines, title)
    if issuer:
        sources["issuer"] = issuer[1]

    doc_type, why = classify_doc_type(text, title)
    sources["doc_type"] = why

    return Metadata(
        title=title,
        date=chosen.value if chosen else None,
        date_source=chosen.source if chosen else None,
        doc_number=number[0] if number else None,
        issuer=issuer[0] if issuer else None,
        doc_type=doc_type,
        sources=sources,
    )
