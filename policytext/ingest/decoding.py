"""Decoding the bytes of a text file: detect the encoding rather than guess it.

Byte-order marks, then the NUL pattern of BOM-less UTF-16/32, then strict UTF-8, then a
strict decode with each sensible CJK codec (GB18030, Big5, BOM-less UTF-16) scored by how
much of the result is common Han characters, CJK punctuation and printable ASCII.
charset-normalizer, restricted to the same candidates, is consulted only when no strict
decode works. The readers of :mod:`policytext.ingest.readers` decode with :func:`decode_bytes`.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from policytext.clean.resources import CJK_PUNCT, HAN_BASIC_FIRST, HAN_BASIC_LAST
from policytext.errors import IngestError

__all__ = ["BOMS", "canonical_encoding", "decode_bytes", "plausibility", "strict_decode"]

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

#: Punctuation that counts as plausible text: the CJK punctuation of clean.resources and the
#: full-width symbols of Chinese prose.
CJK_PUNCTUATION = frozenset(CJK_PUNCT) | frozenset("﹑％＋－／　")

RE_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029")


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
    return frozenset(c for c in chars if HAN_BASIC_FIRST <= c <= HAN_BASIC_LAST)


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


def strict_decode(data: bytes, encoding: str) -> str | None:
    """``data`` decoded with ``encoding`` without any replacement, or None when it does not decode."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def canonical_encoding(encoding: str) -> str:
    """The name an encoding is reported by (``gbk`` and ``gb2312`` are read as ``gb18030``)."""
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
            text = strict_decode(data[len(bom) :], enc)
            if text is None:
                text = data[len(bom) :].decode(enc, errors="replace")
                warnings.append(f"{name}: invalid {enc} sequences replaced with U+FFFD")
            encoding = enc
            break
    if text is None and b"\x00" in data:
        wide: tuple[float, str, str] | None = None
        for enc in _nul_pattern(data):
            candidate = strict_decode(data, enc)
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
        candidate = strict_decode(data, "utf-8")
        if candidate is not None:
            text, encoding = candidate, "utf-8"
    if text is None:
        best: tuple[float, str, str] | None = None
        for enc in CJK_CANDIDATES:
            if enc.startswith("utf-16") and len(data) % 2:
                continue
            candidate = strict_decode(data, enc)
            if candidate is None:
                continue
            score = plausibility(candidate)
            if best is None or score > best[0] + 1e-9:
                best = (score, candidate, enc)
        if best is not None and best[0] >= MIN_PLAUSIBILITY:
            text, encoding = best[1], canonical_encoding(best[2])
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
            candidate = strict_decode(raw, enc)
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
    return text, canonical_encoding(best.encoding)
