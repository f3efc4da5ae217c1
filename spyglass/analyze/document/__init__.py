"""The urlscan result document's sections, each built from the capture by one module.

``page``, ``requests``, ``stats``, ``lists``, ``certs`` (``lists.certificates``), ``redirects``,
``links``, ``forms``, ``text``, ``clipboard``, ``addresses`` (AS and country of every address)
and ``har`` (the HAR 1.2 archive served beside the report). ``analyze/report.py`` composes them.
"""
