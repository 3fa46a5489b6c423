"""Markdown to text: the markup that is not text goes, one paragraph or heading a line."""

from __future__ import annotations

import re

__all__ = ["RE_HTML_COMMENT", "RE_INLINE_TAG", "markdown_to_text"]

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
