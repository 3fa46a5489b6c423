"""Readers for the non-PDF inputs: plain text, Markdown, HTML and .docx.

Every reader takes a path and returns an :class:`~policytext.types.ExtractedText`
(one "page" holding the whole text, ``paged=False``); a file that cannot be read
raises :class:`~policytext.errors.IngestError` with a reason from the output
contract. :func:`read_document` picks the reader by sniffing the content first and
the extension second, and hands PDFs to :func:`policytext.ingest.pdf.read_pdf`.

Text decoding *detects* rather than guesses: byte-order marks, then the NUL pattern
of BOM-less UTF-16/32, then strict UTF-8, then a strict decode with each sensible
CJK codec (GB18030, Big5, BOM-less UTF-16) scored by how much of the result is
common Han characters, CJK punctuation and printable ASCII. charset-normalizer,
restricted to the same candidates, is consulted only when no strict decode works.

The boilerplate of Chinese government and news pages ("下载 打印 全屏 收藏",
"您现在的位置：首页 > …", "网站标识码" …) is described once, in
:data:`BOILERPLATE_PATTERNS`, and exposed through :func:`is_boilerplate_line` so
that other stages can reuse it.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from policytext.errors import IngestError
from policytext.ingest.formats import EXTENSIONS, extensions_of
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

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian mark starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Codecs tried (strictly) when a file is neither BOM-marked nor valid UTF-8.
CJK_CANDIDATES: tuple[str, ...] = ("gb18030", "big5", "cp950", "utf-16-le", "utf-16-be")
#: The same set, in charset-normalizer's spelling.
CHARSET_NORMALIZER_CANDIDATES: list[str] = ["gb18030", "big5", "cp950", "utf_16_le", "utf_16_be"]
#: A decode whose plausibility is below this is not text.
MIN_PLAUSIBILITY = 0.6
#: Lenient decoding is accepted when at most this share of characters was replaced.
MAX_REPLACED_SHARE = 0.01
#: ... or at most this many characters (one bad byte can spoil the character around it).
MAX_REPLACED_CHARS = 4

CJK_PUNCTUATION = frozenset("，。、；：？！“”‘’《》（）【】〔〕—…·「」『』〈〉﹑％＋－／　")
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

RE_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")
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

# Markdown ------------------------------------------------------------------
RE_MD_FENCE = re.compile(r"^\s*(```|~~~)")
RE_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
RE_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
RE_MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
RE_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
RE_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
RE_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
RE_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
RE_MD_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
RE_MD_BULLET = re.compile(r"^\s*[-*+]\s+")
RE_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
RE_MD_EMPHASIS = (
    re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![A-Za-z0-9*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![A-Za-z0-9*])"),
    re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![A-Za-z0-9_])"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
)
RE_MD_CODE = re.compile(r"`+([^`]*)`+")
RE_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
RE_MD_PARKED = re.compile("[\ue000-\ue07f]")
RE_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
RE_INLINE_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(?:p|div|li|h[1-6]|tr)\s*>", re.IGNORECASE)
RE_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
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

# Boilerplate of Chinese government and news pages. A line is boilerplate when it
# matches one of these patterns (``search``), or when it is made only of the
# page-tool words in BOILERPLATE_TOKENS.
BOILERPLATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?:您现在的位置|您当前的位置|当前位置|所在位置|现在位置|您的位置)\s*[:：]?"),
    re.compile(r"^首页\s*(?:[>＞»›]|$)"),
    re.compile(r"^分享(?:到)?\s*[:：]"),
    re.compile(
        r"^【?\s*(?:关闭窗口|关闭本页|打印本页|打印此页|打印|关闭|返回顶部|返回首页|返回|收藏本页|加入收藏)\s*】?$"
    ),
    re.compile(
        r"^(?:主办单位|承办单位|主办|承办|协办单位|技术支持|运维单位|运行维护|网站维护|版权所有|联系我们|网站地图|建议使用)\s*[:：]"
    ),
    re.compile(r"^(?:Copyright|版权所有|©)", re.IGNORECASE),
    re.compile(r"网站标识码|ICP备|ICP证|公网安备|网安备\s*\d"),
    re.compile(r"扫一扫在手机(?:上)?打开当前页|(?:微信|手机)扫一扫|扫描二维码|用手机扫描"),
    re.compile(
        r"^(?:上一篇|下一篇|上一条|下一条|相关链接|相关报道|相关新闻|相关文章|相关阅读|推荐阅读)\s*[:：]?"
    ),
    re.compile(r"^(?:阅读量|阅读次数|浏览次数|访问量|点击数|点击量|浏览量)\s*[:：]"),
    re.compile(r"^【?\s*(?:字号|字体)\s*[:：]"),
    re.compile(r"^(?:点赞|打赏|评论列表|暂无评论|发表评论|我要评论|我要纠错|纠错)(?:\s*\(\d+\))?"),
)
BOILERPLATE_TOKENS = frozenset(
    {
        "下载",
        "打印",
        "全屏",
        "收藏",
        "分享",
        "字号",
        "字体",
        "大",
        "中",
        "小",
        "加大",
        "还原",
        "减小",
        "默认",
        "标准",
        "关闭",
        "关闭窗口",
        "打印本页",
        "返回顶部",
        "【",
        "】",
        "[",
        "]",
        ">",
        "＞",
        "»",
        "|",
        "｜",
        "：",
        ":",
        "/",
        "·",
        "A",
        "A+",
        "A-",
        "T",
        "T+",
        "T-",
        "-",
        "首页",
        "分享到",
    }
)
RE_TOKEN_SPLIT = re.compile(r"[\s【】\[\]:：|｜/]+|(?<=[>＞»])|(?=[>＞»])")


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """Common Han characters: GB2312 levels 1-2 (simplified) and Big5 level 1 (traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return frozenset(c for c in chars if "\u4e00" <= c <= "\u9fff")


def plausibility(text: str) -> float:
    """Share of ``text`` that looks like Chinese or ASCII prose (0..1).

    Common Han characters, CJK punctuation, printable ASCII and whitespace count;
    rare characters, private-use code points, controls and symbols from a wrong
    codec do not.

    Args:
        text: decoded text (a sample is enough).

    Returns:
        the share of "good" characters; 0.0 for an empty string.
    """
    if not text:
        return 0.0
    common = _common_han()
    good = 0
    for ch in text:
        if ch in common or ch in CJK_PUNCTUATION or ch.isspace() or (" " <= ch <= "~"):
            good += 1
    return good / len(text)


def _nul_pattern(data: bytes) -> list[str]:
    """Wide encodings to try for data that holds NUL bytes, the likeliest first.

    In UTF-16 text the NULs are the high bytes of ASCII characters (odd offsets in
    little-endian, even in big-endian); UTF-32 has three of them per ASCII character.
    Han characters seldom contain a zero byte, so the side that holds most NULs wins.
    """
    sample = data[:8192]
    nuls = sample.count(0)
    if not nuls:
        return []
    order: list[str] = []
    if len(data) % 4 == 0 and sample.count(b"\x00\x00") * 2 >= nuls * 0.6:
        order += ["utf-32-le", "utf-32-be"]
    if len(data) % 2 == 0:
        even = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
        odd = nuls - even
        order += ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    return order


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _canonical(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"cp950": "big5", "gbk": "gb18030", "gb2312": "gb18030"}.get(name, name)


def decode_bytes(data: bytes, *, name: str = "file") -> tuple[str, str, list[str]]:
    """Decode the bytes of a text file, detecting (not guessing) the encoding.

    Order: byte-order marks (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); the NUL pattern
    of BOM-less UTF-16/32; strict UTF-8; strict GB18030, Big5 and BOM-less
    UTF-16, the decode with the highest :func:`plausibility` winning (so Big5 text,
    which GB18030 also decodes into nonsense, is told apart); charset-normalizer
    restricted to those candidates; last, UTF-8 or GB18030 with a few invalid
    bytes replaced. NUL bytes left in single-byte text are removed.

    Args:
        data: the raw bytes.
        name: the file name, for messages.

    Returns:
        ``(text, encoding, warnings)``; line ends are normalised to ``\\n``.

    Raises:
        IngestError: reason ``unsupported`` when no encoding gives sensible text.
    """
    warnings: list[str] = []
    text: str | None = None
    encoding = ""
    for bom, enc in BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], enc)
            if text is None:
                text = data[len(bom) :].decode(enc, errors="replace")
                warnings.append(f"{name}: invalid {enc} sequences replaced with U+FFFD")
            encoding = enc
            break
    if text is None and b"\x00" in data:
        wide: tuple[float, str, str] | None = None
        for enc in _nul_pattern(data):
            candidate = _strict(data, enc)
            if candidate is None:
                continue
            score = plausibility(candidate[:4000])
            if score >= MIN_PLAUSIBILITY and (wide is None or score > wide[0] + 1e-9):
                wide = (score, candidate, enc)
        if wide is not None:
            text, encoding = wide[1], wide[2]
        if text is None:
            count = data.count(0)
            data = data.replace(b"\x00", b"")
            warnings.append(f"{name}: removed {count} NUL byte(s)")
    if text is None:
        candidate = _strict(data, "utf-8")
        if candidate is not None:
            text, encoding = candidate, "utf-8"
    if text is None:
        best: tuple[float, str, str] | None = None
        for enc in CJK_CANDIDATES:
            if enc.startswith("utf-16") and len(data) % 2:
                continue
            candidate = _strict(data, enc)
            if candidate is None:
                continue
            score = plausibility(candidate)
            if best is None or score > best[0] + 1e-9:
                best = (score, candidate, enc)
        if best is not None and best[0] >= MIN_PLAUSIBILITY:
            text, encoding = best[1], _canonical(best[2])
    if text is None:
        text, encoding = _detect_with_charset_normalizer(data)
    if text is None:
        for enc in ("utf-8", "gb18030"):
            candidate = data.decode(enc, errors="replace")
            replaced = candidate.count("\ufffd")
            if (
                replaced <= max(MAX_REPLACED_CHARS, MAX_REPLACED_SHARE * len(candidate))
                and plausibility(candidate.replace("\ufffd", "")) >= 0.8  # counted apart
            ):
                text, encoding = candidate, enc
                warnings.append(f"{name}: {replaced} invalid byte sequence(s) replaced with U+FFFD ({enc})")
                break
    if text is None:
        text, encoding, mixed = _decode_lines(data)
        if text is not None:
            warnings.append(
                f"{name}: lines in more than one encoding ({', '.join(mixed)}); each line decoded alone"
            )
    if text is None:
        raise IngestError(
            "unsupported",
            f"{name} is not text in a known encoding; convert it to UTF-8",
        )
    if "\x00" in text:
        count = text.count("\x00")
        text = text.replace("\x00", "")
        warnings.append(f"{name}: removed {count} NUL character(s)")
    text = RE_NEWLINES.sub("\n", text).lstrip("\ufeff")
    return text, encoding, warnings


#: Encodings tried line by line for a file assembled from parts in different encodings.
LINE_CANDIDATES: tuple[str, ...] = ("utf-8", "gb18030", "big5")


def _decode_lines(data: bytes) -> tuple[str | None, str, list[str]]:
    """Decode a file line by line, each line with the most plausible strict decode.

    The last resort for text assembled from sources in different encodings (UTF-8
    lines followed by GB18030 lines). Returns ``(None, "", [])`` unless every line
    decodes strictly and the whole is plausible text.
    """
    lines: list[str] = []
    used: list[str] = []
    for raw in data.split(b"\n"):
        best: tuple[float, str, str] | None = None
        for enc in LINE_CANDIDATES:
            candidate = _strict(raw, enc)
            if candidate is None:
                continue
            score = plausibility(candidate) if candidate.strip() else 1.0
            if best is None or score > best[0] + 1e-9:
                best = (score, candidate, enc)
        if best is None:
            return None, "", []
        lines.append(best[1])
        if raw.strip() and best[2] not in used:
            used.append(best[2])
    text = "\n".join(lines)
    if len(used) < 2 or plausibility(text) < 0.8:
        return None, "", []
    return text, "mixed", used


def _detect_with_charset_normalizer(data: bytes) -> tuple[str | None, str]:
    """charset-normalizer restricted to the CJK candidates; None when it finds nothing sensible."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None, ""
    best = from_bytes(data, cp_isolation=CHARSET_NORMALIZER_CANDIDATES).best()
    if best is None:
        return None, ""
    text = str(best)
    if plausibility(text) < MIN_PLAUSIBILITY:
        return None, ""
    return text, _canonical(best.encoding)


# ---------------------------------------------------------------------------
# Boilerplate
# ---------------------------------------------------------------------------


def is_boilerplate_line(line: str) -> bool:
    """True when ``line`` is page furniture of a government or news site, not text.

    Args:
        line: one line of text.

    Returns:
        True for lines like "下载 打印 全屏 收藏", "您现在的位置：首页 > …",
        "【关闭窗口】", "网站标识码…", "扫一扫在手机打开当前页".
    """
    stripped = line.strip()
    if not stripped:
        return False
    if any(p.search(stripped) for p in BOILERPLATE_PATTERNS):
        return True
    tokens = [t for t in RE_TOKEN_SPLIT.split(stripped) if t]
    return all(t in BOILERPLATE_TOKENS for t in tokens)


def drop_boilerplate(lines: Iterable[str]) -> list[str]:
    """The lines that are not boilerplate (see :func:`is_boilerplate_line`)."""
    return [line for line in lines if not is_boilerplate_line(line)]


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _md_inline(line: str) -> str:
    # escaped characters are parked in the private-use area so no rule touches them
    line = RE_MD_ESCAPE.sub(lambda m: chr(0xE000 + ord(m.group(1))), line)
    line = RE_HTML_COMMENT.sub("", line)
    line = RE_MD_IMAGE.sub("", line)
    line = RE_MD_LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line)
    line = RE_MD_AUTOLINK.sub(r"\1", line)
    line = RE_MD_CODE.sub(r"\1", line)
    for pattern in RE_MD_EMPHASIS:
        line = pattern.sub(lambda m: m.group(m.lastindex or 1), line)
    line = RE_INLINE_TAG.sub("", line)
    return RE_MD_PARKED.sub(lambda m: chr(ord(m.group(0)) - 0xE000), line)


def markdown_to_text(markdown: str) -> str:
    """Strip Markdown markup that is not text, keeping one paragraph or heading per line.

    Images, link targets, emphasis markers, inline HTML tags and comments,
    blockquote and bullet markers, table pipes and separator rows, code fences and
    horizontal rules go; headings stay as lines of their own (without ``#``);
    numbered list markers stay (they are part of Chinese texts: "1.…", "（一）…").

    Args:
        markdown: Markdown source.

    Returns:
        plain text, lines joined by ``\\n``.
    """
    markdown = RE_HTML_COMMENT.sub("", markdown)
    markdown = RE_INLINE_BREAK.sub("\n", markdown)
    out: list[str] = []
    for raw in markdown.split("\n"):
        if RE_MD_FENCE.match(raw) or RE_MD_LINK_DEF.match(raw):
            continue
        if RE_MD_RULE.match(raw) or RE_MD_SETEXT.match(raw) or RE_MD_TABLE_SEP.match(raw):
            continue
        line = raw
        heading = RE_MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = RE_MD_QUOTE.sub("", line)
        line = RE_MD_BULLET.sub("", line)
        stripped = line.strip()
        if stripped.startswith("|") or (stripped.count("|") >= 2 and stripped.endswith("|")):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            line = " ".join(c for c in cells if c)
        line = _md_inline(line).rstrip()
        out.append(line)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


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
            out.extend(RE_SPACES.sub(" ", part).strip() for part in parsed.split("\n") if part.strip())
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
        return _canonical(name)
    except LookupError:
        return None


def _decode_html(data: bytes, name: str) -> tuple[str, str, list[str]]:
    if not any(data.startswith(bom) for bom, _ in BOMS):
        declared = _html_charset(data)
        if declared:
            text = _strict(data, declared)
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
    block elements become lines, table cells are separated by a space; line wraps
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
    lines = [RE_SPACES.sub(" ", line).strip() for line in _soup_text(soup).split("\n")]
    lines = drop_boilerplate(line for line in lines if line)
    return "\n".join(lines), meta


def _soup_text(soup: Any) -> str:
    """The text of a parsed page: one walk over the tree, without recursion or tree edits.

    Linear in the size of the page at any depth of nesting (editing the tree, or looking
    for a ``<pre>`` ancestor of every string, is quadratic on deeply nested pages).
    Dropped tags (:data:`HTML_DROP_TAGS`), the ``<head>``, comments, doctypes,
    declarations and processing instructions give nothing; ``<br>`` gives a line break,
    a block tag a line break before and after, a table cell a space after; text outside
    ``<pre>`` has its source line wraps joined (between CJK characters) or made spaces.
    """
    from bs4 import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    skipped = (Comment, Doctype, Declaration, ProcessingInstruction)
    drop, block, cell = set(HTML_DROP_TAGS), set(HTML_BLOCK_TAGS), set(HTML_CELL_TAGS)
    head_seen = False  # the first <head> outside dropped tags is dropped (a page may hold stray ones)
    parts: list[str] = []
    # each entry: (children still to visit, inside <pre>, what to emit once they are done)
    stack: list[tuple[Iterator[Any], bool, str]] = [(iter(soup.contents), False, "")]
    while stack:
        children, in_pre, after = stack[-1]
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
            if name == "br":
                parts.append("\n")
                continue
            if name in block:
                parts.append("\n")
            tail = ("\n" if name in block else "") + (" " if name in cell else "")
            stack.append((iter(node.contents), in_pre or name == "pre", tail))
        elif isinstance(node, NavigableString) and not isinstance(node, skipped):
            if in_pre:
                if type(node) in (NavigableString, CData):
                    parts.append(str(node))
            else:
                parts.append(RE_SPACES.sub(" ", RE_CJK_WRAP.sub("", str(node))).replace("\n", " "))
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
                    if cell_text:
                        cells.append(cell_text)
                if cells:
                    lines.append(" ".join(cells))
    return [line.rstrip() for line in lines]


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return None


def read_docx(path: str | Path) -> ExtractedText:
    """Read a ``.docx``: paragraphs and table rows (cells joined by a space) as lines.

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
