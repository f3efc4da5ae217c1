"""The DOM structure hash: one value for every copy of a page built from the same markup.

A phishing kit is deployed again and again with other brand words, other links and on other
hosts; its tag tree stays. ``structure_hash`` hashes that tree and nothing else:

- kept: the elements of ``<body>`` (``<head>`` is metadata hosting providers rewrite), their
  tag names and nesting, and the ``type`` of each ``<input>`` (a password field is structure);
- dropped: text, comments and every other attribute value (ids, classes, hrefs, names);
- skipped with their subtree: ``script``, ``noscript``, ``style``, ``template``, ``link``,
  ``meta`` and ``iframe``: what hosts, CDNs and ad networks inject differs per deployment
  (Cloudflare's email-protection script, a host's analytics, a challenge frame);
- collapsed to one node: ``svg``, ``math``, ``select`` and ``datalist``: a logo's paths or a
  list of options is content, not layout.

The hash is the first 32 hex digits of the SHA-256 of the tree written as
``body(div(form(input:text,input:password,button)))``. Lookyloo's ``domhash`` (har2tree) is a
cousin: all tag names of the document in order, without nesting, ``<head>`` included.
"""

from __future__ import annotations

import hashlib

from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass.analyze.dom import parse_dom

VERSION = "spyglass-structure-1"
SKIPPED = frozenset({"script", "noscript", "style", "template", "link", "meta", "iframe"})
COLLAPSED = frozenset({"svg", "math", "select", "datalist"})
HASH_CHARS = 32
# Elements walked at most (~1 µs each): a page this large is no kit; its hash covers the first.
MAX_ELEMENTS = 20_000


def structure_hash(dom: str | None) -> str | None:
    """The structure hash of a serialised DOM; None when it has no element in its body.

    >>> a = structure_hash('<div class="a"><h1>Sign in</h1><a href="/x">Help</a></div>')
    >>> b = structure_hash('<div class="b"><h1>Log on</h1><a href="/y">Support</a></div>')
    >>> a == b, len(a)
    (True, 32)
    >>> a == structure_hash('<div><h1>Sign in</h1><p>Help</p></div>')
    False
    >>> structure_hash("just text") is None
    True
    """
    if not dom:
        return None
    return tree_structure_hash(parse_dom(dom))


def tree_structure_hash(tree: LexborHTMLParser) -> str | None:
    """``structure_hash`` of an already parsed DOM."""
    signature = structure_signature(tree)
    if signature is None:
        return None
    return hashlib.sha256(signature.encode()).hexdigest()[:HASH_CHARS]


def structure_signature(tree: LexborHTMLParser) -> str | None:
    """The kept tree as text; None when the body has no kept element.

    >>> structure_signature(parse_dom('<p>Hi <b>you</b><!-- x --></p><input type=Password>'))
    'body(p(b),input:password)'
    >>> structure_signature(parse_dom('<svg><path d="M0"/></svg><script>x()</script><br>'))
    'body(svg,br)'
    """
    body = tree.body
    if body is None:
        return None
    parts: list[str] = []
    budget = MAX_ELEMENTS
    # Iterative depth-first walk: a hostile page nests elements far deeper than Python recurses.
    # The stack holds nodes to open and None for "close the element opened before".
    stack: list[LexborNode | None] = [body]
    while stack and budget:
        node = stack.pop()
        if node is None:
            parts.append(")")
            continue
        budget -= 1
        tag = node.tag or ""
        if parts and parts[-1] != "(":
            parts.append(",")
        parts.append(_token(node, tag))
        if tag in COLLAPSED:
            continue
        # iter() gives elements and comments ("-comment").
        children = [c for c in node.iter() if c.tag and c.tag[0] != "-" and c.tag not in SKIPPED]
        if children:
            parts.append("(")
            stack.append(None)
            stack.extend(reversed(children))
    signature = "".join(parts)
    return signature if signature != "body" else None


def _token(node: LexborNode, tag: str) -> str:
    if tag != "input":
        return tag
    kind = (node.attributes.get("type") or "text").strip().lower()
    return f"input:{kind}"
