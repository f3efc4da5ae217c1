"""Reference data for the analysis: every loader of packaged or user data.

The only place that reads files (and is handed the ``Settings``) on the analysis's behalf;
each loader reads once per process and gives the analysis plain objects:

- ``ipdata``: AS numbers and places of addresses (``asn``: the bundled AS file; GeoIP2
  databases named by the settings);
- ``brands``, ``tokens``: the bundled brand list and Ethereum token list;
- ``sanctions``, ``yara``, ``verdicts``: the sanctions list and YARA rules the verdict engines use;
- ``fingerprints``, ``techindex``: Wappalyzer fingerprints and their compiled index (cached on
  disk).

Settings are taken as arguments, never imported at run time: the analysis may import this
package without importing the settings (an import-linter contract checks it).
"""
