"""Compiled regular expressions and translation tables used by the cleaning steps."""

from __future__ import annotations

import re

# Han ideographs, as character-class ranges: the basic block (U+4E00-U+9FFF, every character
# of a simplified policy text), extension A (rare characters of names), compatibility ideographs.
HAN_BASIC_FIRST, HAN_BASIC_LAST = "\u4e00", "\u9fff"
HAN_BASIC = f"{HAN_BASIC_FIRST}-{HAN_BASIC_LAST}"
HAN_EXT_A = "\u3400-\u4dbf"
HAN_COMPAT = "\uf900-\ufaff"
#: Unified ideographs (extension A + the basic block): the characters of names and words.
HAN_UNIFIED = HAN_EXT_A + HAN_BASIC
#: Every Han ideograph the cleaner knows (unified + compatibility).
HAN = HAN_UNIFIED + HAN_COMPAT
HAN_RE = re.compile(f"[{HAN}]")
# CJK punctuation.
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～"

# Full-width punctuation that NFKC would turn into ASCII; Chinese text keeps them.
PROTECTED = set("，；：？！（）［］｛｝～＂＇｀")

# Characters removed outright: C0/C1 controls except tab and newline, zero-width
# characters, soft hyphen, BOM, bidi marks, and private-use-area glyph garbage is left
# to the PDF quality gate (it is not silently dropped here).
CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]"
)

#: What separates the cells of a table row in the text: the PDF reader writes exactly one between
#: cells (a row is one line), the cleaner keeps a lone one, the sentence splitter keeps a row whole.
CELL_SEP = "\t"
# Horizontal white space of any kind (after NFKC U+3000 is already a space); a run that is exactly
# one CELL_SEP is a cell separator and stays, any other run becomes one space.
HSPACE_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

# A space between two CJK characters (or CJK punctuation) is a layout artefact.
CJK_SPACE_RE = re.compile(f"(?<=[{HAN}{CJK_PUNCT}]) +(?=[{HAN}{CJK_PUNCT}])")
# Space between a CJK character and a digit is kept only in Latin context; these go.
CJK_DIGIT_SPACE_RE = re.compile(
    f"(?<=[{HAN}]) +(?=[0-9])|(?<=[0-9%]) +(?=[{HAN}])|(?<=[{CJK_PUNCT}]) +| +(?=[{CJK_PUNCT}])"
)

# Half-width punctuation directly after a Han character (or closing quote) becomes full-width.
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
HALF_PUNCT_RE = re.compile(f"(?<=[{HAN}”’）》])([,;:?!])|([,;:?!])(?=[{HAN}“‘《（])")
PAREN_RE = re.compile(f"\\(([^()（）\\n]{{0,40}}[{HAN}][^()（）\\n]{{0,40}})\\)")

# Dashes in names such as 兰州—西宁 and plan periods 2016—2030: one canonical em dash
# between Han characters or digits.
_DASHES = "\u2013\u2014\u2015\u2500\uff0d\\-"
DASH_RE = re.compile(
    f"(?<=[{HAN}])[{_DASHES}]{{1,2}}(?=[{HAN}])"
    f"|(?<=(?<![0-9])[12][0-9]{{3}})[{_DASHES}\u301c~]{{1,2}}(?=[12][0-9]{{3}}(?![0-9]))"
)

# Sentence-final punctuation (a paragraph ending in one of these is complete).
TERMINAL = "。！？!?"
TERMINAL_TAIL = "”’」』）)》】"
ENDS_SENTENCE_RE = re.compile(f"[{TERMINAL}；;…:：][{TERMINAL_TAIL}]*$")
