"""The one table of supported input formats: file extension -> format name.

Discovery (which files a folder walk picks up), the readers (which reader an extension asks for
when the content does not decide) and the store (``documents.format``) all read this table, so a
format readable by one is never skipped by another (``.shtml`` pages are found in folders too).
The format stored is the one the content was read as (:func:`policytext.ingest.document.file_format`).
"""

from __future__ import annotations

#: Extension (lower case, with its dot) -> format name.
FORMATS: dict[str, str] = {
    ".pdf": "pdf",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".docx": "docx",
}

#: Every supported extension, in table order.
EXTENSIONS: tuple[str, ...] = tuple(FORMATS)


def extensions_of(fmt: str) -> frozenset[str]:
    """The extensions of one format (``extensions_of("html")`` -> ``.html .htm .xhtml .shtml``)."""
    return frozenset(ext for ext, name in FORMATS.items() if name == fmt)


def format_of_extension(suffix: str) -> str | None:
    """The format an extension names, or None when unsupported."""
    return FORMATS.get(suffix.lower())


__all__ = ["EXTENSIONS", "FORMATS", "extensions_of", "format_of_extension"]
