"""Text cleaning: pure ``str -> str`` steps, the page-aware cleaner and the sentence splitter."""

from policytext.clean.normalize import (
    normalize_chars,
    normalize_punctuation,
    normalize_whitespace,
    reflow,
    to_simplified,
)
from policytext.clean.pipeline import CleanText, clean_pages, clean_text, make_cleaner
from policytext.clean.sentences import split_sentences

__all__ = [
    "CleanText",
    "clean_pages",
    "clean_text",
    "make_cleaner",
    "normalize_chars",
    "normalize_punctuation",
    "normalize_whitespace",
    "reflow",
    "split_sentences",
    "to_simplified",
]
