"""Extraction: agglomerations, mechanisms (rules + model) and measures from clean Documents.

Extractors read a Document and return records; they never modify the Document.
"""

from policytext.extract.pipeline import Extractor, document_output, to_output

__all__ = ["Extractor", "document_output", "to_output"]
