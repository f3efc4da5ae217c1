"""Technologies a page uses, from Wappalyzer-format fingerprints (``refdata/fingerprints.py``).

``report.add_technologies(report, capture)`` sets ``report.technologies`` and urlscan's
``meta.processors.wappa``. The matcher is Spyglass's own (the package's scanner drives a browser
of its own): pure, no browser, no network.

A pattern is ``regex\\;version:\\1\\;confidence:50``, case-insensitive. Keys matched: headers
(of the primary document), cookies, meta, scriptSrc (Script transactions and ``<script src>``),
url, html, text, dom (CSS selectors via selectolax: exists, attributes, text, and properties
that mirror an attribute), js (``capture.js_properties``), scripts (Script bodies, bounded),
xhr, certIssuer; then requires/requiresCategory, excludes and implies.

Speed: the fingerprints are compiled once per installed version, and the index kept on disk
(``encode_index``; ``diskcache.read_cached``): a new process reads it in a tenth of the time
the compiling takes. Thousands of patterns never run against
every item: each is indexed by what must be present for it to match -- a header, cookie, meta
or chain name, a 4-gram of a literal its regex cannot match without (scriptSrc), a token
(script bodies, DOM selectors) -- and only the patterns whose key is present run.
"""
