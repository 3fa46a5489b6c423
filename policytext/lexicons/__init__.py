"""Lexical resources as data: the mechanism taxonomy and the agglomeration gazetteer."""
