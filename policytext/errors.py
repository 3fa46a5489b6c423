"""Errors and warnings of policytext.

Every error carries a code (``[PT-E101]``) and a message that ends with the
fix. Per-file ingestion failures carry a *reason* from the output contract
(``encrypted | corrupt | no_text | timeout | unsupported | io``) so that a
batch can report them and go on.
"""

from __future__ import annotations

REASONS = ("encrypted", "corrupt", "no_text", "timeout", "unsupported", "io")


class PolicytextError(Exception):
    """Base class: a user-facing problem, shown as one line without traceback."""

    code = "PT-E000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class IngestError(PolicytextError):
    """A single input file could not be read.

    Args:
        reason: one of :data:`REASONS`.
        message: one clear line that names the problem and the fix.
        path: the file, when known.
    """

    code = "PT-E101"

    def __init__(self, reason: str, message: str, path: str | None = None) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown ingest failure reason {reason!r}; expected one of {REASONS}")
        super().__init__(message)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.reason}: {self.message}"


class UsageError(PolicytextError):
    """Wrong arguments or options (CLI exit status 2)."""

    code = "PT-E001"


class LexiconError(PolicytextError):
    """A taxonomy or gazetteer file is malformed."""

    code = "PT-E201"


class StoreError(PolicytextError):
    """The SQLite store cannot be opened, migrated or written."""

    code = "PT-E301"


class StoreBusyError(StoreError):
    """Another process holds the store for writing."""

    code = "PT-E302"


class ModelError(PolicytextError):
    """A trained model is missing or unusable."""

    code = "PT-E401"


class ExtractionWarning(UserWarning):
    """Something in a document could not be read well (empty page, garbled text)."""


class VersionMismatchWarning(UserWarning):
    """A model was saved with other library versions than the ones running now."""
