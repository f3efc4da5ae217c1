"""Form analysis: every ``<form>`` of the DOM with where it sends what.

``analyze_forms(dom, base_url)`` (``base_url``: the URL of the document the DOM was taken
from) follows the HTML standard where it matters to an analyst:

- method: ``get``/``post``/``dialog`` (any case) upper-cased; absent or invalid is ``GET``.
- action: an absent or empty action submits to the document URL itself; any other value is
  resolved against the document's base URL (``<base href>``).
- controls: ``input``/``select``/``textarea``/``button`` owned by the form, in document order:
  those inside it, plus those anywhere with ``form="<its id>"``. A control inside the form that
  names another form with ``form=`` belongs to that one.

Example::

    <form action="/login" method=post><input type=hidden name=csrf value=t>
      <input type=password name=pw></form>

at ``https://bank.test/`` gives ``Form(method="POST", action="/login",
action_url="https://bank.test/login", inputs=[csrf (hidden), pw], has_password=True)``.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from spyglass.analyze.dom import document_base_url, parse_dom, resolve_url
from spyglass.analyze.domains import host_of
from spyglass.models import Form, FormInput

_METHODS = {"get", "post", "dialog"}
_CONTROLS = "input, select, textarea, button"
_BUTTON_TYPES = {"submit", "reset", "button"}
# fmt: off
_INPUT_TYPES = frozenset((
    "hidden", "text", "search", "tel", "url", "email", "password", "date", "month", "week",
    "time", "datetime-local", "number", "range", "color", "checkbox", "radio", "file",
    "submit", "image", "reset", "button",
))
# fmt: on


def analyze_forms(dom: str | None, base_url: str) -> list[Form]:
    """Every form of the DOM, in document order (see the module docstring).

    ``base_url`` is the document's URL; a ``<base href>`` in the DOM is applied on top of it.
    """
    if not dom:
        return []
    tree = parse_dom(dom)
    base = document_base_url(tree, base_url)
    owned = _controls_by_form(tree)
    return [_form(node, owned.get(node.mem_id, []), base_url, base) for node in tree.css("form")]


def form_method(value: str | None) -> str:
    """The submission method as the browser uses it.

    >>> form_method("post"), form_method(None), form_method("PUT"), form_method(" Dialog ")
    ('POST', 'GET', 'GET', 'DIALOG')
    """
    method = (value or "").strip().lower()
    return method.upper() if method in _METHODS else "GET"


def resolve_action_url(action: str | None, document_url: str, base_url: str) -> str:
    """Where the form submits: the document URL when the action is absent or blank.

    >>> resolve_action_url(None, "https://a.test/p?q=1", "https://a.test/base/")
    'https://a.test/p?q=1'
    >>> resolve_action_url("post.php", "https://a.test/p", "https://a.test/base/")
    'https://a.test/base/post.php'
    """
    if action is None or not action.strip():
        return document_url
    return resolve_url(base_url, action) or action


def _form(node: LexborNode, inputs: list[FormInput], document_url: str, base: str) -> Form:
    action = node.attributes.get("action")
    action_url = resolve_action_url(action, document_url, base)
    return Form(
        method=form_method(node.attributes.get("method")),
        action=action,
        action_url=action_url,
        action_domain=host_of(action_url),
        inputs=inputs,
        has_password=any(i.tag == "input" and i.type == "password" for i in inputs),
        html=node.html or "",
    )


def _controls_by_form(tree: LexborHTMLParser) -> dict[int, list[FormInput]]:
    """Form ``mem_id`` -> its controls, in document order."""
    first_by_id: dict[str, LexborNode] = {}
    for node in tree.css("[id]"):
        first_by_id.setdefault(node.attributes.get("id") or "", node)
    owned: dict[int, list[FormInput]] = {}
    for control in tree.css(_CONTROLS):
        owner = _owner_form(control, first_by_id)
        if owner is not None:
            owned.setdefault(owner.mem_id, []).append(form_input(control))
    return owned


def _owner_form(control: LexborNode, first_by_id: dict[str, LexborNode]) -> LexborNode | None:
    attributes = control.attributes
    if "form" in attributes:  # form="id" wins over the ancestor, even when it matches nothing
        target = first_by_id.get(attributes.get("form") or "")
        return target if target is not None and target.tag == "form" else None
    parent = control.parent
    while parent is not None and parent.tag != "form":
        parent = parent.parent
    return parent


def form_input(node: LexborNode) -> FormInput:
    """One control with its effective type (the DOM's ``.type``) and value.

    >>> form_input(parse_dom('<input type=HIDDEN name=t value=1>').css_first("input"))
    FormInput(tag='input', type='hidden', name='t', id=None, value='1', hidden=True)
    """
    tag = node.tag or "input"
    attributes = node.attributes
    control_type = _control_type(tag, attributes)
    return FormInput(
        tag=tag,
        type=control_type,
        name=attributes.get("name"),
        id=attributes.get("id"),
        value=_control_value(node, tag),
        hidden=tag == "input" and control_type == "hidden",
    )


def _control_type(tag: str, attributes: dict[str, str | None]) -> str:
    declared = (attributes.get("type") or "").strip().lower()
    if tag == "input":
        return declared if declared in _INPUT_TYPES else "text"
    if tag == "button":
        return declared if declared in _BUTTON_TYPES else "submit"
    if tag == "select":
        return "select-multiple" if "multiple" in attributes else "select-one"
    return "textarea"


def _control_value(node: LexborNode, tag: str) -> str | None:
    if tag == "textarea":
        return node.text()
    if tag != "select":
        return node.attributes.get("value")
    options = node.css("option")
    chosen = next((o for o in options if "selected" in o.attributes), None)
    chosen = chosen or (options[0] if options else None)
    if chosen is None:
        return None
    if "value" in chosen.attributes:
        return chosen.attributes.get("value")
    return " ".join(chosen.text().split())
