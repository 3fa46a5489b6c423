"""Plain record types shared by every stage.

Only :mod:`policytext.nlp` touches spaCy types; the store, exports and CLI
use the records defined here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """A page of a document: ``[start, end)`` character offsets into the clean text."""

    number: int
    start: int
    end: int


@dataclass
class ExtractedText:
    """What a reader returns before cleaning.

    Attributes:
        pages: the text of each page in reading order (one item for unpaged formats).
        paged: True for formats with real pages (PDF), False otherwise.
        engine: the reader that produced the text (``pypdfium2``, ``pdfplumber``, ``txt`` ...).
        encoding: detected encoding for text files.
        meta: format metadata (PDF /Title, /CreationDate, HTML <title>, docx core properties).
        warnings: human-readable notes, e.g. ``page 4 has no text layer``.
        first_page: the 1-based number of ``pages[0]`` in the whole file: a PDF read by page
            range (``read_pdf(path, pages=(start, stop))``) starts at ``start + 1``, so page
            numbers stay those of the file.
    """

    pages: list[str]
    paged: bool = False
    engine: str = ""
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    first_page: int = 1


@dataclass(frozen=True)
class Sentence:
    """A sentence of the clean text, with its page (1-based, or None)."""

    index: int
    start: int
    end: int
    text: str
    page: int | None = None


@dataclass
class Metadata:
    """Document-level metadata, each value with the source it came from."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD | YYYY-MM | YYYY
    date_source: str | None = None  # metadata | text | filename
    doc_number: str | None = None  # 文号, e.g. 发改规划〔2019〕328号
    issuer: str | None = None
    doc_type: str = "other"  # official | plan | article | news | other
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was found


@dataclass
class Document:
    """A cleaned document ready for extraction and storage."""

    doc_id: str  # sha256 of the file bytes
    path: str
    text: str  # clean text (simplified characters)
    original_text: str  # clean text before traditional->simplified conversion (same length)
    pages: list[Page]
    sentences: list[Sentence]
    meta: Metadata
    engine: str = ""
    encoding: str | None = None
    size: int = 0
    warnings: list[str] = field(default_factory=list)
    # how the reader got the text beyond ``engine``: ``ocr_pages`` (1-based) and ``ocr_seconds``;
    # ``asides``: text a PDF reader kept apart from the body ({"page", "kind", "text"}; kind
    # ``sidebar``, ``float`` or ``footnote``)
    reading: dict[str, Any] = field(default_factory=dict)

    def page_of(self, offset: int) -> int | None:
        """Return the 1-based page that holds ``offset``, or None for unpaged text."""
        for p in self.pages:
            if p.start <= offset < p.end or (offset == p.end and p is self.pages[-1]):
                return p.number
        return None


#: How a mention's agglomeration link was found, from the most direct to the least: the mention's own
#: sentence, its section heading, its paragraph, or the document's most-named agglomeration. The
#: extractor writes :data:`NO_LINK` when nothing is linked; the store keeps that as NULL.
LINK_BASES = ("sentence", "heading", "paragraph", "document")
#: The bases that name the agglomeration near the mention (timelines and first mentions count these).
DIRECT_BASES = ("sentence", "heading", "paragraph")
NO_LINK = "none"


@dataclass
class Mention:
    """One extracted mention, as in the output contract (spec/OUTPUT.md)."""

    kind: str  # agglomeration | mechanism | measure
    type: str
    text: str
    sentence: str
    sentence_index: int
    start: int
    end: int
    page: int | None = None
    score: float = 1.0
    source: str = "rule"  # rule | model | both
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class AgglomerationCount:
    """An agglomeration a document mentions, with how often."""

    id: str
    name: str
    kind: str
    known: bool = True
    count: int = 0


@dataclass
class Extraction:
    """Everything extraction found in one document, with the versions that produced it."""

    mentions: list[Mention] = field(default_factory=list)
    agglomerations: list[AgglomerationCount] = field(default_factory=list)
    primary_agglomeration: str | None = None
    boilerplate: list[int] = field(default_factory=list)  # sentence indexes skipped as boilerplate
    versions: dict[str, str] = field(default_factory=dict)
