"""IP -> AS number data (``asn.bin.gz``), built by ``scripts/build-asn-data``; see ``SOURCE``
and ``LICENSE`` here, and ``spyglass/refdata/asn.py`` for the format."""
