"""Extraction: agglomerations, mechanisms (rules + model) and measures from clean Documents.

Extractors read a Document and return records; they never modify the Document.
"""
