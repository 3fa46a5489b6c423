"""Ingestion: discover input files, read them, clean them into Documents."""
