"""Detectors: what a page is made of and what ties it to other pages.

``tech`` (Wappalyzer fingerprints), ``identifiers`` (the report's ``pivots``: DOM structure
hash, favicon and screenshot hashes, analytics IDs...), ``structure`` (the DOM's shape),
``crypto`` (crypto addresses in the page), ``lures`` and ``commands`` (paste-and-run lures and
the commands they would have a victim run).
"""
