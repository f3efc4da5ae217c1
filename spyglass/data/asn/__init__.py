"""IP -> AS number data (``asn.bin.gz``), built by ``scripts/build-asn-data``; see ``SOURCE``
and ``LICENSE`` here, and ``spyglass/analyze/asndata.py`` for the format."""
