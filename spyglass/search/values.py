"""How values look in the index, shared by what writes it (``store/terms.py``) and what
queries it (``search/query.py``): a value is found only if both normalise it the same way."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

# Longer values are indexed by their sha256: a B-tree entry has a size limit on PostgreSQL
# (about 2.7 kB), and a data: URL or a giant title would exceed it. Lookups hash the same way.
MAX_VALUE_CHARS = 512
_NOT_WORD = re.compile(r"[\W_]+")


def index_key(value: Any) -> str | None:
    """The stored form of a search value: ``" News.Test "`` -> ``"news.test"``; long values
    become ``"sha256:<hex>"``; empty values None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if len(text) > MAX_VALUE_CHARS:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return text


def phash_bands(phash: str | None) -> list[str]:
    """The four 16-bit quarters of a 64-bit pHash, each with its place: two hashes within
    Hamming distance 3 share at least one (pigeonhole), so ``phash.near:`` finds them with
    equality lookups alone.

    >>> phash_bands("f358665c745c6670")
    ['0:f358', '1:665c', '2:745c', '3:6670']
    >>> phash_bands("not a hash"), phash_bands(None)
    ([], [])
    """
    text = (phash or "").strip().lower()
    if len(text) != 16 or any(c not in "0123456789abcdef" for c in text):
        return []
    return [f"{i}:{text[4 * i : 4 * i + 4]}" for i in range(4)]


def words(text: str) -> str:
    """Text as the full-text index holds it: lower-case words without accents, one space
    apart. SQLite's FTS5 and PostgreSQL's ``simple`` parser would split URLs, e-mail addresses
    and accents differently; given only words and spaces both agree, so one query finds the
    same scans on both.

    >>> words("Vérifiez https://Login.Example/a_b?c=1")
    'verifiez https login example a b c 1'
    """
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.split(plain)).strip()
