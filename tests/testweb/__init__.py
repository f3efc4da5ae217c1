"""Spyglass's local test web: many *.test sites on loopback, over HTTP and HTTPS.

    from tests.testweb import TestWeb

    with TestWeb() as web:                     # or web.start() ... web.stop()
        web.url("news.test", "/", https=True)  # "https://news.test:PORT/"
        web.pins                               # {"news.test": "127.0.0.2", ...}
        web.spki_hash                          # for --ignore-certificate-errors-spki-list
        web.ca_pem                             # the test CA, for plain clients
        web.leaf_der, web.badtls_leaf_der      # the leaf certificates served (DER)
        web.resolver_rules()                   # for --host-resolver-rules
        web.hits_for("internal.test")          # [Hit(host, path, method, client_ip, scheme)]
        web.file_bytes("report.zip")           # exact bytes of a served download

Every hostname is served on its own address (hosts.py) with the same two ports.
`python -m tests.testweb` runs it by hand.
"""

from tests.testweb.server import Hit, TestWeb

__all__ = ["Hit", "TestWeb"]
