"""Analysis: pure functions from a ``RawCapture`` to the parts of a ``Report``.

No browser, no database, no clock, no network, no settings (an import-linter contract checks
it). ``report.build_report`` composes the folders: ``document/`` (the urlscan result document's
sections), ``detect/`` (technologies, identifiers, crypto addresses, lures), ``wallet/`` (the
decoy wallets' requests decoded), ``brands/`` (which brands a page presents) and ``verdicts/``
(the engines and their combiner). Shared primitives sit here: ``dom``, ``domains``, ``ips``,
``timestamps``. Reference data comes from ``spyglass.refdata``.
"""
