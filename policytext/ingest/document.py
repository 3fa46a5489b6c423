"""One file -> one clean :class:`Document` (read, clean, split, date and type).

This is the per-file work of ``ingest`` and ``text``; it runs inside worker processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from policytext.clean.pipeline import clean_pages
from policytext.clean.sentences import split_sentences
from policytext.errors import IngestError
from policytext.ingest.discover import sha256_file
from policytext.ingest.formats import format_of_extension
from policytext.types import Document, ExtractedText

# reader provenance kept with a stored document (meta_json), beside the metadata sources: OCR
# pages, the text a PDF reader kept apart from the body (sidebars, floated boxes, footnotes), tables
READING_KEYS = ("ocr_pages", "ocr_seconds", "asides", "tables")


def file_format(path: str | os.PathLike[str], extracted: ExtractedText | Document | None = None) -> str:
    """A short name of the input format (pdf, txt, md, html, docx): from the reader that read the
    content (``extracted.engine``: a PDF named ``x.txt`` is ``pdf``), else from the extension."""
    if extracted is not None and extracted.engine:
        eng = extracted.engine
        if eng.startswith(("pypdfium2", "pdfplumber", "pdf", "rapidocr")):
            return "pdf"
        if eng in {"txt", "md", "html", "docx"}:
            return eng
    suffix = Path(path).suffix.lower()
    return format_of_extension(suffix) or suffix.lstrip(".")


def read_file(path: str | os.PathLike[str], *, pdf_engine: str = "auto", ocr: str = "auto") -> ExtractedText:
    """Read any supported file into page texts (dispatch by content, then extension).

    ``ocr`` (``auto``, ``always``, ``never``) applies to PDFs: see :mod:`policytext.ingest.ocr`.
    """
    from policytext.ingest.readers import read_document

    return read_document(Path(path), pdf_engine=pdf_engine, ocr=ocr)


def build_document(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    pdf_engine: str = "auto",
    ocr: str = "auto",
) -> Document:
    """Read, clean and split one file; fill in its metadata.

    Raises:
        IngestError: when the file cannot be read (reason code in ``reason``).
    """

    spath = os.fspath(path)
    try:
        size = os.path.getsize(spath)
        if doc_id is None:
            doc_id = sha256_file(spath)
    except OSError as exc:
        raise IngestError(
            "io", f"cannot read the file ({exc.strerror}); check that it exists and is readable", spath
        ) from exc
    extracted = read_file(spath, pdf_engine=pdf_engine, ocr=ocr)
    return assemble_document(extracted, doc_id=doc_id, path=spath, size=size)


def document_from_text(text: str, *, doc_id: str | None = None, path: str = "") -> Document:
    """A clean :class:`Document` from a text, exactly as ``ingest`` makes one from a ``.txt`` file:
    the same cleaning (traditional -> simplified, reflow), sentences and metadata. The spaCy
    component uses it, so ``nlp(text)`` finds what ``ingest`` finds.

    Raises:
        IngestError: ``no_text`` when nothing is left after cleaning.
    """
    import hashlib

    extracted = ExtractedText(pages=[text], paged=False, engine="text")
    return assemble_document(
        extracted,
        doc_id=doc_id or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        path=path,
        size=len(text.encode("utf-8", "surrogatepass")),
    )


def assemble_document(extracted: ExtractedText, *, doc_id: str, path: str, size: int) -> Document:
    """Clean, split and date what a reader extracted: the one cleaning path of ingest and spaCy.

    Raises:
        IngestError: ``no_text`` when nothing is left after cleaning.
    """
    from policytext.ingest.metadata import extract_metadata

    spath = path
    cleaned = clean_pages(
        extracted.pages,
        paged=extracted.paged,
        reflow_lines=not extracted.paged,
        first_page=extracted.first_page,
    )
    if not cleaned.text.strip():
        raise IngestError(
            "no_text", "the file holds no text after cleaning; check that it is not empty or an image", spath
        )
    sentences = split_sentences(cleaned.text, cleaned.pages)
    meta = extract_metadata(cleaned.text, path=spath, format_meta=extracted.meta)
    warnings = list(extracted.warnings)
    if cleaned.converted:
        warnings.append("traditional characters converted to simplified (original text kept)")
    return Document(
        doc_id=doc_id,
        path=spath,
        text=cleaned.text,
        original_text=cleaned.original_text,
        pages=cleaned.pages,
        sentences=sentences,
        meta=meta,
        engine=extracted.engine,
        encoding=extracted.encoding,
        size=size,
        warnings=warnings,
        reading={k: extracted.meta[k] for k in READING_KEYS if extracted.meta.get(k, []) != []},
    )
