from __future__ import annotations

from spyglass.search.values import MAX_VALUE_CHARS, index_key
from spyglass.store.terms import domain_and_parents, index_numbers, index_terms, index_text
from tests.store.conftest import claimed_job, news_capture, news_report


def news_terms() -> set[tuple[str, str]]:
    job = claimed_job()
    return index_terms(news_report(job, news_capture()))


def test_terms_of_the_news_report() -> None:
    terms = news_terms()
    expected = {
        ("domain", "cdn.daily.example"),
        ("domain", "daily.example"),
        ("domain", "example"),  # parents of every domain, for domain:'s subdomain match
        ("apex", "evil.test"),
        ("ip", "2001:db8::20"),
        ("asn", "as64511"),
        ("country", "nl"),
        ("url", "https://tracker.evil.test/collect"),
        ("download", "7" * 64),  # downloads apart from response bodies
        ("server", "cloudflare"),
        ("links.domain", "twitter.com"),
        ("form.action", "https://daily.example/search"),
        ("form.domain", "daily.example"),
        ("tag", "news"),
        ("filename", "report.pdf"),
        ("page.domain", "daily.example"),
        ("page.ip", "192.0.2.80"),
        ("page.url", "https://daily.example/article?id=7"),
        ("page.asn", "as64496"),
        ("page.asnname", "example-net"),
        ("page.country", "de"),
        ("page.server", "nginx"),
        ("page.apex", "daily.example"),
        ("task.method", "cli"),
        ("task.url", "http://news.test/"),
        ("task.visibility", "public"),
        ("verdicts.malicious", "false"),
    }
    assert expected <= terms
    assert all(value == value.lower() for _, value in terms)


def test_numbers_and_text_of_the_news_report() -> None:
    report = news_report(claimed_job(), news_capture())
    numbers = dict(index_numbers(report))
    assert numbers["page.status"] == 200
    assert numbers["stats.requests"] == len(report["data"]["requests"])
    assert numbers["verdicts.score"] == 0
    text = index_text(report)
    assert text.title == "daily example world news"
    assert "daily example article id 7" in text.page and "news test" in text.page
    assert text.body.startswith("skip to main content home world")


def test_verdicts_wallet_and_crypto_terms() -> None:
    report = {
        "verdicts": {"overall": {"malicious": True, "brands": [{"key": "PayPal"}, "metamask"],
                                 "categories": ["phishing"], "tags": ["seed-phrase"]}},
        "wallet": {"calls": [{"method": "eth_sendTransaction", "addresses": ["0xAbC"]}]},
        "lists": {"cryptoAddresses": [{"address": "bc1qxyz", "chain": "btc"}, "TXyz",
                                      {"address": "0xDef", "chain": "eth", "sanctioned": True}]},
    }  # fmt: skip
    assert index_terms(report) == {
        ("verdicts.malicious", "true"),
        ("verdicts.brands", "paypal"),
        ("verdicts.brands", "metamask"),
        ("verdicts.categories", "phishing"),
        ("verdicts.tags", "seed-phrase"),
        ("wallet.address", "0xabc"),
        ("wallet.method", "eth_sendtransaction"),
        ("crypto.address", "bc1qxyz"),
        ("crypto.address", "txyz"),
        ("crypto.address", "0xdef"),
        ("crypto.chain", "btc"),
        ("crypto.chain", "eth"),
        ("crypto.sanctioned", "true"),
    }


def test_domain_parents() -> None:
    assert domain_and_parents("cdn.news.test") == ["cdn.news.test", "news.test", "test"]
    assert domain_and_parents("news.test.") == ["news.test", "test"]


def test_index_key() -> None:
    assert index_key("  News.Test ") == "news.test"
    assert index_key("") is None
    assert index_key(None) is None
    assert index_key(200) == "200"
    long_url = "data:text/html;base64," + "A" * 5000
    assert index_key(long_url).startswith("sha256:")
    assert len(index_key(long_url)) <= MAX_VALUE_CHARS
    assert index_key(long_url) == index_key(long_url.upper().lower())


def test_bare_asns_of_the_lists_are_searched_with_their_as_prefix() -> None:
    """urlscan's lists.asns are bare numbers, its asn: field takes "AS13335"."""
    report = {"page": {"asn": "AS3320"}, "lists": {"asns": ["13335", "3320", "15169"]}}
    asns = {value for name, value in index_terms(report) if name == "asn"}
    assert asns == {"as13335", "as3320", "as15169"}
