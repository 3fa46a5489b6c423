"""policytext: mine Chinese policy texts on urban agglomerations (城市群) and metropolitan areas (都市圈).

Ingest folders of PDFs and text files into clean, paged text; extract the
agglomerations, integration mechanisms and measures they mention; store, query,
track over time and export them.
"""

__version__ = "0.1.0"
