"""The page's visible text, for the report's ``text`` (urlscan's "Text Content").

The browser's ``innerText`` is the source; ``normalize_text`` only tidies it. When the browser
gave none (a crash, a timeout), ``text_from_dom`` approximates it from the saved DOM: block
elements break lines, inline whitespace collapses, scripts, styles, templates, ``<noscript>``
and ``hidden`` elements are dropped. It cannot know CSS, so ``display:none`` text remains.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from spyglass.analyze.dom import parse_dom

_DROPPED_TAGS = ["script", "style", "noscript", "template"]
_DROPPED = "[hidden], input[type=hidden], head"
_BLOCKS = (
    "address, article, aside, blockquote, dd, details, dialog, div, dl, dt, fieldset, "
    "figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hgroup, hr, li, main, "
    "nav, ol, p, pre, section, summary, table, tr, ul, option, caption, legend"
)
_BREAK = "\u2029"  # marks a line break made by markup; source newlines are only whitespace
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize_text(text: str | None) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row, no outer blanks.

    >>> normalize_text("  Title  \\r\\n\\n\\n\\n Body\\t\\n\\n")
    'Title\\n\\n Body'
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def text_from_dom(dom: str | None) -> str:
    """Visible text approximated from the DOM (see the module docstring).

    >>> text_from_dom("<h1>News</h1><p>Hello\\n  <b>world</b><script>x()</script></p>x<br>y")
    'News\\nHello world\\nx\\ny'
    """
    if not dom:
        return ""
    tree = parse_dom(dom)
    tree.strip_tags(_DROPPED_TAGS, recursive=True)
    for node in _outermost(tree.css(_DROPPED)):
        node.decompose()
    for node in tree.css(_BLOCKS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in tree.css("br"):
        node.insert_after(_BREAK)
    for node in tree.css("td, th"):
        node.insert_after(" ")
    root = tree.body or tree.root
    raw = root.text() if root is not None else ""
    lines = (line.strip() for line in _HTML_SPACE.sub(" ", raw).split(_BREAK))
    return normalize_text("\n".join(line for line in lines if line))


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Nodes not inside another of the list (decomposing a removed node's child is unsafe)."""
    ids = {node.mem_id for node in nodes}
    kept = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept
