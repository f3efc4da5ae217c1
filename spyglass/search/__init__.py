"""Search: urlscan.io's query language (``query``), its fields (``fields``) and values
(``values``, ``dates``). ``store/search_sql.py`` runs the parsed query as SQL."""
