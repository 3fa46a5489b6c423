"""Readers for the non-PDF inputs: plain text, Markdown, HTML and .docx, and the dispatch.

Every reader takes a path and returns an :class:`~policytext.types.ExtractedText`
(one "page" holding the whole text, ``paged=False``); a file that cannot be read
raises :class:`~policytext.errors.IngestError` with a reason from the output
contract. :func:`read_document` picks the reader by sniffing the content first and
the extension second, and hands PDFs to :func:`policytext.ingest.pdf.read_pdf`.

Each concern has its own module: byte and charset decoding in
:mod:`policytext.ingest.decoding`, Markdown markup in :mod:`policytext.ingest.markdown`,
page furniture (web boilerplate, running headers, folios) in
:mod:`policytext.ingest.boilerplate`; their public names are importable from here too.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from policytext.clean.resources import CELL_SEP
from policytext.errors import IngestError
from policytext.ingest.boilerplate import BOILERPLATE_PATTERNS, drop_boilerplate, is_boilerplate_line
from policytext.ingest.decoding import (
    BOMS,
    RE_NEWLINES,
    canonical_encoding,
    decode_bytes,
    plausibility,
    strict_decode,
)
from policytext.ingest.formats import EXTENSIONS, extensions_of
from policytext.ingest.markdown import markdown_to_text
from policytext.types import ExtractedText

__all__ = [
    "BOILERPLATE_PATTERNS",
    "SUPPORTED_EXTENSIONS",
    "decode_bytes",
    "detect_format",
    "drop_boilerplate",
    "html_to_text",
    "is_boilerplate_line",
    "markdown_to_text",
    "plausibility",
    "read_document",
    "read_docx",
    "read_html",
    "read_text_file",
]

# ---------------------------------------------------------------------------
# Resources: every compiled pattern and constant table of this module.
# ---------------------------------------------------------------------------

SUPPORTED_EXTENSIONS = EXTENSIONS  # the one format table (policytext.ingest.formats)
TEXT_EXTENSIONS = extensions_of("txt")
MARKDOWN_EXTENSIONS = extensions_of("md")
HTML_EXTENSIONS = extensions_of("html")

MAGIC_PDF = b"%PDF-"
MAGIC_ZIP = b"PK\x03\x04"
MAGIC_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .doc, or an encrypted .docx
#: Formats often found under a .pdf name, by their first bytes: (magic, what it is, what to do).
MISNAMED_PDF = (
    (b"CAJ", "a CNKI CAJ file", "open it in CAJViewer and print it to PDF, or download the PDF version"),
    (b"KDH ", "a CNKI KDH file", "open it in CAJViewer and print it to PDF, or download the PDF version"),
    (b"HN", "a CNKI CAJ (HN) file", "open it in CAJViewer and print it to PDF, or download the PDF version"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "convert it to PDF and ingest that with --ocr always"),
    (b"\xff\xd8\xff", "a JPEG image", "convert it to PDF and ingest that with --ocr always"),
    (b"GIF8", "a GIF image", "convert it to PDF and ingest that with --ocr always"),
)

RE_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
RE_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
RE_SPACES = re.compile(r"[ \t\f\v\xa0]+")
RE_CJK_WRAP = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]*\n\s*(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
RE_WHITESPACE = re.compile(r"\s+")

#: HTML elements that mark a line of a text file as markup (pages saved as .txt/.md keep them).
RE_HTML_MARKUP = re.compile(
    r"</?(?:p|br|strong|em|u|span|div|font|h[1-6]|li|ul|ol|table|tr|td|th|sup|sub|img|hr|"
    r"section|article|blockquote|center|small|big|s|strike|del|ins|mark|code|pre|label|tbody|thead)"
    r"""(?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*\s*/?>"""
    r"|&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|mdash|hellip|#\d+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)

# HTML ----------------------------------------------------------------------
HTML_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "object",
)
HTML_BLOCK_TAGS = (
    "address",
    "article",
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "center",
)
HTML_CELL_TAGS = ("td", "th")
#: meta name/property/itemprop values that carry a publication date, best first.
HTML_DATE_META = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishedtime",
    "firstpublishedtime",
    "articlepubdate",
    "article:published_time",
    "datepublished",
    "og:published_time",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "date",
    "article:modified_time",
    "lastmodifiedtime",
)
HTML_SOURCE_META = ("contentsource", "source", "article:author", "author")
RE_TITLE_SPLIT = re.compile(r"\s*(?:_|\s[-–—|]\s|｜)\s*")

# ---------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------


def _os_error(path: Path, exc: OSError) -> IngestError:
    """The IngestError (reason ``io``) for an OS error raised while reading ``path``."""
    if isinstance(exc, IsADirectoryError):
        return IngestError(
            "io", f"{path.name} is a directory, not a file; pass the files inside it", str(path)
        )
    if isinstance(exc, PermissionError):
        return IngestError("io", f"{path.name}: permission denied; make the file readable", str(path))
    if isinstance(exc, FileNotFoundError):
        return IngestError("io", f"{path.name}: no such file; check the path", str(path))
    return IngestError("io", f"{path.name}: cannot read the file ({exc.strerror or exc})", str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from None


def _no_text(path: Path, what: str = "file") -> IngestError:
    return IngestError(
        "no_text", f"{path.name}: the {what} holds no text; check that it is the right file", str(path)
    )


def strip_html_markup(text: str) -> tuple[str, int]:
    """Turn the lines of a text that hold HTML markup into their text, with the HTML reader.

    Text files are often web pages saved as text (``<p><strong>央视网消息</strong>……<br></p>``).
    Each line holding an HTML element or entity (:data:`RE_HTML_MARKUP`) is parsed as HTML
    by the reader of ``.html`` files (block tags and ``<br>`` become line breaks, entities
    characters, tags go); other lines are left as they are (a ``<`` in prose stays).

    Returns:
        ``(text, n)``: the text and the number of lines that held markup.
    """
    from bs4 import BeautifulSoup

    out: list[str] = []
    n = 0
    for line in text.split("\n"):
        if RE_HTML_MARKUP.search(line):
            n += 1
            parsed = _soup_text(BeautifulSoup(line, "html.parser"))
            out.extend(line for line in map(_cells_line, parsed.split("\n")) if line)
        else:
            out.append(line)
    return "\n".join(out), n


def read_text_file(path: str | Path) -> ExtractedText:
    """Read a ``.txt`` or ``.md`` file.

    The encoding is detected by :func:`decode_bytes`; Markdown markup that is not
    text is stripped by :func:`markdown_to_text`.

    Args:
        path: the file.

    Returns:
        ExtractedText with ``pages=[text]``, ``paged=False``, engine ``"txt"`` or
        ``"md"`` and the detected ``encoding``.

    Raises:
        IngestError: ``io`` when the file cannot be read, ``unsupported`` when it is
            not text in a known encoding, ``no_text`` when it is empty.
    """
    p = Path(path)
    data = _read_bytes(p)
    if not data.strip():
        raise _no_text(p)
    try:
        text, encoding, warnings = decode_bytes(data, name=p.name)
    except IngestError as exc:
        raise IngestError(exc.reason, exc.message, str(p)) from None
    engine = "txt"
    if p.suffix.lower() in MARKDOWN_EXTENSIONS:
        text = markdown_to_text(text)
        engine = "md"
    text, marked = strip_html_markup(text)
    if marked:
        warnings = [*warnings, f"{p.name}: HTML markup removed from {marked} line(s)"]
    if not text.strip():
        raise _no_text(p)
    return ExtractedText(pages=[text], paged=False, engine=engine, encoding=encoding, warnings=warnings)


def _html_charset(data: bytes) -> str | None:
    match = RE_META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        return canonical_encoding(name)
    except LookupError:
        return None


def _decode_html(data: bytes, name: str) -> tuple[str, str, list[str]]:
    if not any(data.startswith(bom) for bom, _ in BOMS):
        declared = _html_charset(data)
        if declared:
            text = strict_decode(data, declared)
            if text is not None:
                return RE_NEWLINES.sub("\n", text), declared, []
    return decode_bytes(data, name=name)


def _html_meta(soup: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if soup.title and soup.title.string:
        full = RE_WHITESPACE.sub(" ", soup.title.string).strip()
        if full:
            meta["html_title"] = full
            first = RE_TITLE_SPLIT.split(full)[0].strip()
            meta["title"] = first if len(first) >= 4 else full
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("name") or tag.get("property") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if not key or not content:
            continue
        found.setdefault(str(key).strip().lower(), str(content).strip())
    for key in HTML_DATE_META:
        if found.get(key):
            meta["date"] = found[key]
            meta["date_field"] = key
            break
    for key in HTML_SOURCE_META:
        if found.get(key):
            meta["source"] = found[key]
            break
    for tag in soup.find_all("time"):
        if "date" not in meta and tag.get("datetime"):
            meta["date"] = str(tag["datetime"]).strip()
            meta["date_field"] = "time[datetime]"
    return meta


def html_to_text(markup: str) -> tuple[str, dict[str, Any]]:
    """Turn an HTML page into text lines and page metadata.

    Scripts, styles, navigation, headers, footers, asides and forms are dropped;
    block elements become lines, a table row is one line with its cells apart by one tab
    (:data:`~policytext.clean.resources.CELL_SEP`; empty cells left out); line wraps
    of the source between two CJK characters are joined; boilerplate lines (see
    :data:`BOILERPLATE_PATTERNS`) are removed.

    Args:
        markup: the decoded HTML.

    Returns:
        ``(text, meta)``: meta holds ``title`` (from ``<title>``, site name cut),
        ``html_title`` and, when present, ``date`` (publication meta tag or
        ``<time datetime>``) with the ``date_field`` it came from, and ``source``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    meta = _html_meta(soup)
    lines = [_cells_line(line) for line in _soup_text(soup).split("\n")]
    lines = drop_boilerplate(line for line in lines if line)
    return "\n".join(lines), meta


#: what :func:`_soup_text` puts after a table cell (a NUL: no text node keeps one)
_CELL_END = "\x00"


def _cells_line(line: str) -> str:
    """One line of :func:`_soup_text` with its spaces collapsed; a table row's cells apart by one tab."""
    if _CELL_END not in line:
        return RE_SPACES.sub(" ", line).strip()
    cells = (RE_SPACES.sub(" ", cell).strip() for cell in line.split(_CELL_END))
    return CELL_SEP.join(cell for cell in cells if cell)


def _soup_text(soup: Any) -> str:
    """The text of a parsed page: one walk over the tree, without recursion or tree edits.

    Linear in the size of the page at any depth of nesting (editing the tree, or looking
    for a ``<pre>`` ancestor of every string, is quadratic on deeply nested pages).
    Dropped tags (:data:`HTML_DROP_TAGS`), the ``<head>``, comments, doctypes,
    declarations and processing instructions give nothing; ``<br>`` gives a line break,
    a block tag a line break before and after, a table cell :data:`_CELL_END` after (inside
    a cell, block tags and ``<br>`` give a space: a row stays one line); text outside
    ``<pre>`` has its source line wraps joined (between CJK characters) or made spaces.
    """
    from bs4 import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    skipped = (Comment, Doctype, Declaration, ProcessingInstruction)
    drop, block, cell = set(HTML_DROP_TAGS), set(HTML_BLOCK_TAGS), set(HTML_CELL_TAGS)
    head_seen = False  # the first <head> outside dropped tags is dropped (a page may hold stray ones)
    parts: list[str] = []
    # each entry: (children still to visit, inside <pre>, inside a table cell, what to emit once
    # they are done)
    stack: list[tuple[Iterator[Any], bool, bool, str]] = [(iter(soup.contents), False, False, "")]
    while stack:
        children, in_pre, in_cell, after = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            parts.append(after)
            continue
        if isinstance(node, Tag):
            name = node.name
            if name in drop:
                continue
            if name == "head" and not head_seen:
                head_seen = True
                continue
            brk = " " if in_cell else "\n"
            if name == "br":
                parts.append(brk)
                continue
            if name in block:
                parts.append(brk)
            tail = (brk if name in block else "") + (_CELL_END if name in cell else "")
            stack.append((iter(node.contents), in_pre or name == "pre", in_cell or name in cell, tail))
        elif isinstance(node, NavigableString) and not isinstance(node, skipped):
            if in_pre:
                if type(node) in (NavigableString, CData):
                    parts.append(str(node))
            else:
                text = RE_SPACES.sub(" ", RE_CJK_WRAP.sub("", str(node))).replace("\n", " ")
                parts.append(text.replace(_CELL_END, "") if _CELL_END in text else text)
    return "".join(parts)


def read_html(path: str | Path) -> ExtractedText:
    """Read an HTML page: decode (meta charset, then detection), parse, keep the text.

    Args:
        path: the ``.html``/``.htm`` file.

    Returns:
        ExtractedText with ``pages=[text]``, engine ``"html"``, the encoding used,
        and ``meta`` as described in :func:`html_to_text`.

    Raises:
        IngestError: ``io``, ``unsupported`` (undecodable) or ``no_text``.
    """
    p = Path(path)
    data = _read_bytes(p)
    if not data.strip():
        raise _no_text(p, "page")
    try:
        markup, encoding, warnings = _decode_html(data, p.name)
    except IngestError as exc:
        raise IngestError(exc.reason, exc.message, str(p)) from None
    text, meta = html_to_text(markup)
    if not text.strip():
        raise _no_text(p, "page")
    return ExtractedText(
        pages=[text], paged=False, engine="html", encoding=encoding, meta=meta, warnings=warnings
    )


def _docx_lines(document: Any) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    cell_text = " ".join(par.text.strip() for par in cell.paragraphs if par.text.strip())
                    cell_text = RE_SPACES.sub(" ", cell_text).strip()  # a tab inside a cell is no cell edge
                    if cell_text:
                        cells.append(cell_text)
                if cells:
                    lines.append(CELL_SEP.join(cells))
    return [line.rstrip() for line in lines]


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return None


def read_docx(path: str | Path) -> ExtractedText:
    """Read a ``.docx``: paragraphs and table rows as lines (a row's cells apart by one tab,
    :data:`~policytext.clean.resources.CELL_SEP`; empty cells left out).

    Args:
        path: the file.

    Returns:
        ExtractedText with ``pages=[text]``, engine ``"docx"``; ``meta`` holds
        ``title``, ``created`` and ``modified`` (ISO strings), ``author``,
        ``subject`` and ``keywords`` from the core properties when set.

    Raises:
        IngestError: ``encrypted`` for a password-protected file, ``corrupt`` for a
            damaged or empty one, ``no_text`` when it has no text, ``io``.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    p = Path(path)
    head = _read_bytes(p)
    if not head:
        raise IngestError("corrupt", f"{p.name} is empty (0 bytes); export the document again", str(p))
    if head.startswith(MAGIC_CFB):
        raise _cfb_error(p, head)
    try:
        document = docx.Document(str(p))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(
            "corrupt",
            f"{p.name} is not a readable .docx ({exc}); open and save it again in a word processor",
            str(p),
        ) from None
    except Exception as exc:
        raise IngestError(
            "corrupt",
            f"{p.name} is a damaged .docx ({type(exc).__name__}); open and save it again in a word processor",
            str(p),
        ) from None
    lines = _docx_lines(document)
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise _no_text(p, "document")
    props = document.core_properties
    meta: dict[str, Any] = {}
    for key in ("title", "author", "subject", "keywords"):
        value = getattr(props, key, None)
        if value:
            meta[key] = str(value).strip()
    for key in ("created", "modified"):
        iso = _iso(getattr(props, key, None))
        if iso:
            meta[key] = iso
    return ExtractedText(pages=[text], paged=False, engine="docx", encoding=None, meta=meta)


def _cfb_error(path: Path, data: bytes) -> IngestError:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return IngestError(
            "encrypted",
            f"{path.name} is password-protected; save an unprotected copy and ingest that",
            str(path),
        )
    return IngestError(
        "unsupported",
        f"{path.name} is a legacy Word (.doc) or other OLE file; save it as .docx and ingest that",
        str(path),
    )


# ---------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------


def detect_format(head: bytes, suffix: str, *, zip_names: Sequence[str] = ()) -> str | None:
    """Name the format of a file from its first bytes, then its extension.

    Args:
        head: the first bytes of the file (1 KiB is enough).
        suffix: the lower-case extension with its dot (``".pdf"``).
        zip_names: member names when the file is a ZIP archive.

    Returns:
        ``"pdf"``, ``"docx"``, ``"html"``, ``"md"``, ``"txt"``, ``"zip"`` (a ZIP that
        is not a .docx), ``"cfb"`` (an OLE container) or None when unknown.
    """
    if MAGIC_PDF in head[:1024]:
        return "pdf"
    if head.startswith(MAGIC_ZIP):
        return "docx" if "word/document.xml" in zip_names else "zip"
    if head.startswith(MAGIC_CFB):
        return "cfb"
    sniff = head[:1024]
    for bom, enc in BOMS:
        if sniff.startswith(bom):
            sniff = sniff[len(bom) :].decode(enc, errors="ignore").encode("utf-8")
            break
    if RE_HTML_START.match(sniff.decode("latin-1")):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix in HTML_EXTENSIONS:
        return "html"
    if suffix in MARKDOWN_EXTENSIONS:
        return "md"
    if suffix in TEXT_EXTENSIONS:
        return "txt"
    return None


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def read_document(path: str | Path, *, pdf_engine: str = "auto", ocr: str = "auto") -> ExtractedText:
    """Read any supported file, choosing the reader by content first, extension second.

    Content sniffing: ``%PDF-`` → PDF; a ZIP holding ``word/document.xml`` → .docx;
    a document starting with ``<html``/``<!doctype html`` → HTML. Otherwise the
    extension decides (.pdf .txt .md .html .htm .docx).

    Args:
        path: the file.
        pdf_engine: passed to :func:`policytext.ingest.pdf.read_pdf` for PDFs.
        ocr: OCR mode for PDFs (``auto``, ``always``, ``never``), passed to ``read_pdf``.

    Returns:
        the reader's ExtractedText.

    Raises:
        IngestError: ``io`` (missing, directory, permission denied), ``unsupported``
            (unknown type, legacy .doc, undecodable text), ``corrupt`` (empty or
            damaged .pdf/.docx), ``no_text`` (empty text file), ``encrypted``, and
            whatever the PDF reader raises.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise IngestError("io", f"{p.name} is a directory, not a file; pass the files inside it", str(p))
    try:
        with p.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise _os_error(p, exc) from None
    if not head:
        if suffix in (".pdf", ".docx"):
            raise IngestError("corrupt", f"{p.name} is empty (0 bytes); download or export it again", str(p))
        if suffix in TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS:
            raise IngestError(
                "no_text", f"{p.name} is empty (0 bytes); check that it is the right file", str(p)
            )
        raise _unsupported(p)
    zip_names = _zip_names(p) if head.startswith(MAGIC_ZIP) else []
    kind = detect_format(head, suffix, zip_names=zip_names)
    if suffix == ".pdf" and kind == "html":
        raise IngestError(
            "unsupported",
            f"{p.name} is a web page (HTML), not a PDF: most likely an error or login page saved "
            "in place of the document; download the PDF again",
            str(p),
        )
    if suffix == ".pdf" and kind == "pdf" and MAGIC_PDF not in head[:1024]:
        for magic, what, fix in MISNAMED_PDF:
            if head.startswith(magic):
                raise IngestError("unsupported", f"{p.name} is {what}, not a PDF; {fix}", str(p))
    if kind == "pdf":
        from policytext.ingest.pdf import read_pdf

        return read_pdf(p, engine=pdf_engine, ocr=ocr)
    if kind == "docx":
        return read_docx(p)
    if kind == "html":
        return read_html(p)
    if kind in ("md", "txt"):
        return read_text_file(p)
    if kind == "cfb":
        raise _cfb_error(p, _read_bytes(p))
    if kind == "zip":
        if suffix == ".docx":
            raise IngestError(
                "corrupt",
                f"{p.name} is a ZIP archive without word/document.xml, not a valid "
                ".docx; export the document again",
                str(p),
            )
        raise IngestError(
            "unsupported", f"{p.name} is a ZIP archive; unpack it and ingest the files inside", str(p)
        )
    raise _unsupported(p)


def _unsupported(p: Path) -> IngestError:
    ext = p.suffix.lower() or "(none)"
    return IngestError(
        "unsupported",
        f"{p.name}: unsupported file type {ext}; policytext reads {' '.join(SUPPORTED_EXTENSIONS)}",
        str(p),
    )
