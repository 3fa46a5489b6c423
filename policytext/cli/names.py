"""The one place that makes a file name (or a message holding one) safe to print.

A file name on Linux may hold any byte but ``/`` and NUL: a newline breaks a one-line
message, an ANSI escape sequence reaches the terminal, a bidi override reorders what is
shown. :func:`printable_name` escapes all of them; every name the command line prints
goes through it.
"""

from __future__ import annotations

import os
import re

from rich.markup import escape

from policytext.store.fts import printable_path

#: C0 and C1 control characters, DEL, line/paragraph separators, bidi embeddings,
#: overrides and isolates, and zero-width joiners/marks that disguise a name.
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_name(text: str | os.PathLike[str]) -> str:
    """``text`` with every control or invisible formatting character escaped.

    Undecodable bytes of a name become ``\\xNN`` (as stored, see
    :func:`~policytext.store.fts.printable_path`); a newline becomes ``\\n``, ESC
    ``\\x1b``, a bidi override ``\\u202e``. Plain names come back unchanged.
    """
    shown = printable_path(text)
    return _UNPRINTABLE_RE.sub(_escape_char, shown) if _UNPRINTABLE_RE.search(shown) else shown


def shown(text: str | os.PathLike[str]) -> str:
    """:func:`printable_name`, also escaped for rich markup (``[red]`` in a name stays text)."""
    return escape(printable_name(text))
