"""The DOM structure hash: the same for a kit with other words, links and injected scripts."""

from __future__ import annotations

from spyglass.analyze.detect.structure import MAX_ELEMENTS, structure_hash, structure_signature
from spyglass.analyze.dom import parse_dom

KIT = """<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>
<header><a href="{home}"><img src="/logo.png" alt="{brand}"></a><span>{brand}</span></header>
<main class="{css}"><h1>{heading}</h1><!-- {comment} -->
<form action="{action}" method="post">
  <label>{user}</label><input type="email" name="{field}" placeholder="{user}">
  <label>{password}</label><input type="PASSWORD" name="pw">
  <button type="submit">{button}</button>
</form></main>{injected}</body></html>"""

NORTHWIND = dict(
    title="Northwind Bank", head="", home="https://northwind.example/", brand="Northwind",
    css="panel", heading="Verify your account", comment="v1", action="https://collect.test/a.php",
    user="Customer number", field="user", password="Password", button="Continue", injected="",
)  # fmt: skip
HARBOUR = dict(
    title="Harbour CU | Login",
    head='<meta name="x" content="y"><script src="/hosting.js"></script>',
    home="/home", brand="Harbour Credit Union", css="box wide", heading="Security check",
    comment="deployed 2024-05-01", action="/next.php", user="Member ID", field="login",
    password="Passcode", button="Log in",
    # What a host or CDN adds to every page it serves.
    injected='<script data-cfasync="false" src="/cdn-cgi/email-decode.min.js"></script>'
    '<noscript><img src="/pixel"></noscript><iframe src="/challenge" hidden></iframe>'
    "<style>.x{}</style>",
)  # fmt: skip


def test_copies_of_one_kit_share_the_hash() -> None:
    northwind = structure_hash(KIT.format(**NORTHWIND))
    assert northwind is not None and len(northwind) == 32
    assert int(northwind, 16) >= 0
    assert structure_hash(KIT.format(**HARBOUR)) == northwind


def test_a_different_tree_changes_the_hash() -> None:
    base = structure_hash(KIT.format(**NORTHWIND))
    one_more_input = KIT.replace("<button", '<input type="hidden" name="t"><button')
    text_input = KIT.replace('type="PASSWORD"', 'type="text"')
    moved = KIT.replace("<h1>{heading}</h1>", "").replace("</form>", "</form><h1>{heading}</h1>")
    hashes = {structure_hash(page.format(**NORTHWIND)) for page in (one_more_input, text_input)}
    hashes.add(structure_hash(moved.format(**NORTHWIND)))
    assert base not in hashes and len(hashes) == 3


def test_signature_keeps_tags_nesting_and_input_types() -> None:
    signature = structure_signature(parse_dom(KIT.format(**HARBOUR)))
    assert signature == (
        "body(header(a(img),span),main(h1,form(label,input:email,label,input:password,button)))"
    )


def test_collapsed_elements() -> None:
    a = '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg><select><option>DE</option></select>'
    b = "<svg><g><circle r=1 /><rect/></g></svg><select>" + "<option>x</option>" * 40 + "</select>"
    assert structure_hash(a) == structure_hash(b)
    assert structure_signature(parse_dom(a)) == "body(svg,select)"


def test_nothing_to_hash() -> None:
    assert structure_hash(None) is None
    assert structure_hash("") is None
    assert structure_hash("plain text, no element") is None
    assert structure_hash("<html><head><title>t</title></head><body></body></html>") is None
    assert structure_hash("<script>only()</script><!-- and a comment -->") is None


def test_deep_and_large_pages_are_walked_without_recursion() -> None:
    deep = "<div>" * 3000 + "x" + "</div>" * 3000
    assert structure_hash(deep) is not None  # deeper than Python's recursion limit
    huge = "<p>" + "<i></i>" * (MAX_ELEMENTS + 100) + "</p>"
    longer = "<p>" + "<i></i>" * (MAX_ELEMENTS + 200) + "</p>"
    assert structure_hash(huge) == structure_hash(longer)  # only the first elements count
