"""Where spaCy types meet policytext records (the only such place).

* :func:`document_to_doc`: a :class:`~policytext.types.Document` and its
  :class:`~policytext.types.Extraction` become a tokenised ``Doc`` with sentence
  boundaries and mention spans, without running extraction again;
* :func:`doc_to_document`: a ``Doc`` becomes the Document the extractor needs;
* :func:`add_mention_spans`: mentions become spans in ``doc.spans["agglomerations"]``,
  ``doc.spans["mechanisms"]`` and ``doc.spans["measures"]``;
* :func:`docs_to_docbin`: Docs become a ``DocBin`` that keeps ``user_data``.

Extensions (registered by :func:`register_extensions`):

* ``Doc._.policytext_doc_id``: the document id (sha256 of the file bytes);
* ``Doc._.policytext``: document facts (path, title, date, primary agglomeration, versions);
* ``Span._.policytext``: the mention behind a span: kind, type, exact ``start``/``end``
  and ``text`` (a span is widened to whole tokens, the mention is not), score,
  source, sentence index, page and the mention's attributes (status, stage,
  domains, linked agglomerations …).

The two ``policytext`` extensions are stored as JSON strings in ``doc.user_data``,
keyed by the span's offsets, label and id, so spans over the same characters keep
their own values and lists stay lists after a DocBin round trip. The getter returns
a new dict each time: assign the whole dict to change it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from policytext.clean.sentences import split_sentences
from policytext.types import Document, Extraction, Mention, Metadata, Sentence

#: Span group of each mention kind.
SPAN_GROUPS = {"agglomeration": "agglomerations", "mechanism": "mechanisms", "measure": "measures"}
_SPAN_KEY = "policytext.span"
_DOC_KEY = "policytext.doc"


# ---------------------------------------------------------------------- extensions


def _span_key(span: Span) -> tuple[str, int, int, str, str]:
    return (_SPAN_KEY, span.start_char, span.end_char, span.label_, span.id_)


def _user_data(doc: Doc) -> dict[Any, Any]:
    return cast(dict[Any, Any], doc.user_data)


def _get_span(span: Span) -> dict[str, Any] | None:
    raw = _user_data(span.doc).get(_span_key(span))
    return json.loads(raw) if raw is not None else None


def _set_span(span: Span, value: dict[str, Any] | None) -> None:
    key = _span_key(span)
    if value is None:
        _user_data(span.doc).pop(key, None)
    else:
        _user_data(span.doc)[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)


def _get_doc(doc: Doc) -> dict[str, Any] | None:
    raw = doc.user_data.get(_DOC_KEY)
    return json.loads(raw) if raw is not None else None


def _set_doc(doc: Doc, value: dict[str, Any] | None) -> None:
    if value is None:
        doc.user_data.pop(_DOC_KEY, None)
    else:
        doc.user_data[_DOC_KEY] = json.dumps(value, ensure_ascii=False, sort_keys=True)


def register_extensions() -> None:
    """Register ``Doc._.policytext_doc_id``, ``Doc._.policytext`` and ``Span._.policytext`` (idempotent)."""
    if not Doc.has_extension("policytext_doc_id"):
        Doc.set_extension("policytext_doc_id", default=None)
    if not Doc.has_extension("policytext"):
        Doc.set_extension("policytext", getter=_get_doc, setter=_set_doc)
    if not Span.has_extension("policytext"):
        Span.set_extension("policytext", getter=_get_span, setter=_set_span)


register_extensions()


# ---------------------------------------------------------------------- records -> Doc


def text_doc_id(text: str) -> str:
    """Id of a document known only by its text: sha256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_length(doc: Doc) -> int:
    """``len(doc.text)`` without building the text (``Doc.text`` joins every token: O(length) per call)."""
    if len(doc) == 0:
        return 0
    last = doc[-1]
    return int(last.idx + len(last.text_with_ws))


def set_sentences(doc: Doc, sentences: Sequence[Sentence]) -> None:
    """Mark sentence starts: the token holding each sentence's first character.

    Tokens between sentences (whitespace, stray punctuation) stay with the
    sentence before them; a document without sentences is one sentence. Linear in the
    document's length: the token offsets come as one array, each sentence's token is found by
    binary search (``numpy.searchsorted``) and the starts are set in one ``Doc.from_array`` call.
    """
    if len(doc) == 0:
        return
    import numpy as np
    from spacy.attrs import IDX, SENT_START

    idx = doc.to_array(IDX).astype("int64")  # token start offsets, ascending: searched, not iterated
    n_chars = text_length(doc)
    firsts = [s.start for s in sentences if 0 <= s.start < s.end <= n_chars]
    values = np.full((len(doc), 1), -1, dtype="int64")
    values[0] = 1
    if firsts:
        at = np.searchsorted(idx, np.asarray(firsts, dtype="int64"), side="right") - 1
        values[np.maximum(at, 0), 0] = 1
    values = values.view("uint64")
    doc.from_array([SENT_START], cast(Any, values))


def mention_span(doc: Doc, mention: Mention, *, span_id: str = "") -> Span | None:
    """The span over ``mention`` (widened to whole tokens), labelled with its type.

    Returns None when the offsets fall outside the text or cover no token.
    """
    if not 0 <= mention.start < mention.end <= text_length(doc):
        return None
    span = doc.char_span(
        mention.start, mention.end, label=mention.type, alignment_mode="expand", span_id=span_id
    )
    if span is None:
        return None
    span._.policytext = mention_record(mention)
    return span


def mention_record(mention: Mention) -> dict[str, Any]:
    """The JSON-ready dict stored on ``Span._.policytext``."""
    return {
        "kind": mention.kind,
        "type": mention.type,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "score": mention.score,
        "source": mention.source,
        "sentence_index": mention.sentence_index,
        "page": mention.page,
        "attributes": mention.attributes,
    }


def add_mention_spans(doc: Doc, mentions: Iterable[Mention]) -> int:
    """Write mentions as spans into the three span groups (which are replaced).

    Args:
        doc: a Doc over the text the mentions' offsets refer to.
        mentions: the mentions; kinds other than agglomeration/mechanism/measure are skipped.

    Returns:
        The number of mentions that could not be placed (offsets outside the text).
    """
    groups: dict[str, list[Span]] = {key: [] for key in SPAN_GROUPS.values()}
    missed = 0
    for mention in mentions:
        key = SPAN_GROUPS.get(mention.kind)
        if key is None:
            continue
        span = mention_span(doc, mention, span_id=f"{mention.kind}:{len(groups[key])}")
        if span is None:
            missed += 1
        else:
            groups[key].append(span)
    for key, spans in groups.items():
        doc.spans[key] = spans
    return missed


def document_to_doc(nlp: Language, document: Document, extraction: Extraction) -> Doc:
    """Tokenise a document's clean text and attach its extraction as spans.

    Only the tokenizer runs (no pipeline component, no new extraction).

    Args:
        nlp: a pipeline, e.g. ``make_nlp(with_components=False)``.
        document: the clean document.
        extraction: what the extractor found in it.

    Returns:
        A Doc with ``doc.text == document.text``, sentence starts from
        ``document.sentences``, the three span groups, ``Doc._.policytext_doc_id``
        and ``Doc._.policytext``.
    """
    doc = nlp.make_doc(document.text)
    doc._.policytext_doc_id = document.doc_id
    meta = document.meta
    doc._.policytext = {
        "path": document.path,
        "title": meta.title,
        "date": meta.date,
        "doc_type": meta.doc_type,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "primary_agglomeration": extraction.primary_agglomeration,
        "versions": dict(extraction.versions),
    }
    set_sentences(doc, document.sentences)
    add_mention_spans(doc, extraction.mentions)
    return doc


# ---------------------------------------------------------------------- Doc -> records


def doc_to_document(doc: Doc) -> Document:
    """The Document the extractor needs, built from a Doc's text by the ingest path
    (:func:`policytext.ingest.document.document_from_text`: the same cleaning, traditional ->
    simplified, sentences and metadata as a ``.txt`` file). Its offsets refer to the *clean*
    text; :func:`align_mentions` maps them back onto the Doc's text.

    The id is ``Doc._.policytext_doc_id`` when set, else the sha256 of the text. A text left
    empty by cleaning gives a Document without sentences.
    """
    from policytext.errors import IngestError
    from policytext.ingest.document import document_from_text

    text = doc.text
    doc_id = doc._.policytext_doc_id or text_doc_id(text)
    try:
        return document_from_text(text, doc_id=doc_id)
    except IngestError:
        return Document(
            doc_id=doc_id,
            path="",
            text=text,
            original_text=text,
            pages=[],
            sentences=split_sentences(text),
            meta=Metadata(),
        )


def align_mentions(mentions: Iterable[Mention], document: Document, text: str) -> list[Mention]:
    """Mentions found in ``document`` (clean text) with offsets moved onto ``text`` (the raw text the
    Doc holds). Traditional -> simplified keeps lengths; cleaning that changed whitespace or line
    breaks is undone by aligning the pre-conversion clean text with ``text``.
    """
    import dataclasses
    import difflib

    mentions = list(mentions)
    source = document.original_text
    if source == text:
        return mentions
    opcodes = difflib.SequenceMatcher(None, source, text, autojunk=False).get_opcodes()

    def move(offset: int, *, end: bool) -> int:
        for tag, a0, a1, b0, b1 in opcodes:
            if a0 <= offset <= a1 and (a0 < offset < a1 or (offset == a1 if end else offset == a0)):
                if tag == "equal" or (a1 - a0) == (b1 - b0):
                    return b0 + (offset - a0)
                return b1 if end else b0
        return len(text) if end else 0

    return [
        dataclasses.replace(m, start=move(m.start, end=False), end=move(m.end, end=True)) for m in mentions
    ]


def docs_to_docbin(docs: Iterable[Doc]) -> DocBin:
    """Pack Docs into a DocBin that keeps spans, sentence starts and ``user_data``.

    Returns:
        ``DocBin(store_user_data=True)`` holding the docs.
    """
    docbin = DocBin(store_user_data=True)
    for doc in docs:
        docbin.add(doc)
    return docbin
