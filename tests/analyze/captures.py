"""Saved-capture-like scenarios for the analysis tests, built in Python.

``redirect_chain_news()``: a submitted ``http://news.test/`` that goes
301 -> 302 -> meta refresh -> script -> another host (whose first answer is one more 301) and
lands on a news article shaped like urlscan's politico example: a search form, a newsletter form
with hidden inputs (one of them outside it, joined by ``form="newsletter"``), and a ``<base>``.
One hop is served over IPv6, the CDN too; a tracker request is refused by the guard; an ad
script fails to resolve.

``failed_dns()``: a scan whose only request never resolved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spyglass.models import (
    BlockedConnection,
    ConsoleMessage,
    Cookie,
    Dialog,
    Download,
    Failure,
    FailureReason,
    JSGlobal,
    Navigation,
    Popup,
    RawCapture,
    ScanOptions,
    TaskInfo,
    TLSDetails,
    Transaction,
)

TASK_TIME = datetime(2023, 12, 23, 9, 0, 0, 123000, tzinfo=UTC)
T0 = TASK_TIME.timestamp() + 2.0  # the browser starts two seconds after the submission
EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
HOME_SHA = "1" * 64
LANDING_SHA = "2" * 64
ARTICLE_SHA = "3" * 64
APP_SHA = "4" * 64
CSS_SHA = "5" * 64
LOGO_SHA = "6" * 64
DOWNLOAD_SHA = "7" * 64
UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0 Safari/537.36"
)

DAY = 86400
CERT_FROM = int(TASK_TIME.timestamp()) - 30 * DAY - DAY // 2  # issued 30.5 days before the task
CERT_TO = CERT_FROM + 90 * DAY - 1  # a Let's Encrypt-style 90-day certificate

NEWS_CERT = TLSDetails(
    protocol="TLS 1.3",
    key_exchange="",
    key_exchange_group="X25519",
    cipher="AES_128_GCM",
    subject_name="news.test",
    san_list=["news.test"],
    issuer="Test CA",
    valid_from=CERT_FROM,
    valid_to=CERT_TO,
)
WWW_CERT = NEWS_CERT.model_copy(
    update={"subject_name": "*.news.test", "san_list": ["*.news.test", "news.test"]}
)
DAILY_CERT = NEWS_CERT.model_copy(
    update={"subject_name": "daily.example", "san_list": ["daily.example"], "issuer": "R3"}
)
CDN_CERT = TLSDetails(
    protocol="TLS 1.2",
    key_exchange="ECDHE_RSA",
    key_exchange_group="X25519",
    cipher="AES_128_GCM",
    subject_name="*.daily.example",
    san_list=["*.daily.example"],
    issuer="R3",
    valid_from=CERT_FROM - DAY,
    valid_to=CERT_TO - DAY,
)

ARTICLE_URL = "https://daily.example/article?id=7"

ARTICLE_DOM = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Daily Example — World news</title>
<base href="https://daily.example/news/">
<link rel="stylesheet" href="https://cdn.daily.example/css/site.css">
<script src="https://cdn.daily.example/js/app.js"></script>
<style>.dn{display:none}</style>
</head>
<body>
<a class="skip" href="#main">Skip to Main Content</a>
<header>
  <nav>
    <a href="/">Home</a>
    <a href="world/"> World </a>
    <a href="javascript:void(0)">Menu</a>
    <a href="mailto:tips@daily.example">Send a tip</a>
    <a href="tel:+15550100">Call us</a>
  </nav>
  <form class="slide-search__form" action="/search" method="get">
    <input class="slide-search__input" type="search" name="q" id="searchTerm"
           aria-label="Search for any story" placeholder="Enter search term...">
    <button class="slide-search__run" type="submit" aria-label="Start search"><span
            class="icon-text">Search</span></button>
    <button class="slide-search__close" id="search-close" type="button">Close</button>
  </form>
</header>
<main id="main">
  <h1>To stem the missile programme, officials look to its hackers</h1>
  <p>The administration is doing more to counter
     hackers amid concerns their heists are powering weapons programmes.</p>
  <script>window.dataLayer = [];</script>
  <noscript><img src="https://tracker.evil.test/pixel.gif"></noscript>
  <map name="regions">
    <area shape="rect" coords="0,0,10,10" href="https://maps.example.org/r/1" alt="Regions map">
  </map>
</main>
<form class="form-section" id="newsletter">
  <input type="hidden" name="subscribeId" value="0000014f-1646-d88f-a1cf-5f46b7bd0000">
  <input type="hidden" name="processorId" value="00000179-61ab-d60d-a9f9-f5bf392e0000">
  <input type="hidden" name="validateEmail" value="true">
  <input type="hidden" name="bot-field" value="" class="dn">
  <input type="hidden" name="captchaUserToken" value="" autocomplete="off">
  <fieldset class="form-container active">
    <label class="data-form-label" for="email">Email</label>
    <input type="email" name="subscribeEmail" id="email" aria-label="Email"
           placeholder="Your Email" required="">
    <select name="frequency">
      <option value="daily">Daily</option><option value="weekly" selected>Weekly</option>
    </select>
    <textarea name="comment">Tell us why</textarea>
    <button type="submit" class="submit-button">Sign Up</button>
  </fieldset>
</form>
<footer>
  <input type="hidden" name="signupSource" value="footer" form="newsletter">
  <a href="https://twitter.com/dailyexample">Twitter</a>
  <a href="https://twitter.com/dailyexample">Follow us on Twitter</a>
  <a href="//cdn.daily.example/privacy">Privacy
     Policy</a>
</footer>
</body></html>"""

# innerText as Chromium gives it: runs of blank lines, trailing spaces.
ARTICLE_TEXT = "\n".join(
    [
        "Skip to Main Content",
        "Home World Menu Send a tip Call us",
        "",
        "",
        "",
        "Search Close",
        "",
        "",
        "TO STEM THE MISSILE PROGRAMME, OFFICIALS LOOK TO ITS HACKERS   ",
        "",
        "The administration is doing more to counter hackers amid concerns their heists are "
        "powering weapons programmes.",
        "",
        "",
        "",
        "",
        "Email",
        "Sign Up",
        "Twitter Follow us on Twitter Privacy Policy",
        "",
    ]
)


def _cdp_document_request(request_id: str, url: str, wall: float) -> dict:
    """A ``Network.requestWillBeSent`` as Chromium sends it for a top-level navigation."""
    return {
        "requestId": request_id,
        "loaderId": request_id,
        "documentURL": url,
        "request": {
            "url": url,
            "method": "GET",
            "headers": {"Upgrade-Insecure-Requests": "1", "User-Agent": UA},
            "mixedContentType": "none",
            "initialPriority": "VeryHigh",
            "referrerPolicy": "strict-origin-when-cross-origin",
            "isSameSite": True,
        },
        "timestamp": 5000.0 + (wall - T0),
        "wallTime": wall,
        "initiator": {"type": "other"},
        "redirectHasExtraInfo": False,
        "type": "Document",
        "frameId": "MAINFRAME",
        "hasUserGesture": False,
    }


def _hop(
    request_id: str,
    url: str,
    wall: float,
    *,
    status: int | None = 200,
    resource_type: str = "Document",
    ip: str | None = "192.0.2.10",
    port: int = 443,
    protocol: str = "h2",
    tls: TLSDetails | None = None,
    server: str = "nginx",
    mime: str = "text/html",
    location: str | None = None,
    encoded: int | None = None,
    decoded: int | None = None,
    sha: str | None = None,
    initiator: dict | None = None,
    **extra,
) -> Transaction:
    headers = {"Server": server, "Content-Type": f"{mime}; charset=utf-8"} if status else {}
    if location:
        headers["Location"] = location
    secure = url.startswith("https:")
    return Transaction(
        request_id=request_id,
        url=url,
        resource_type=resource_type,
        frame_id="MAINFRAME",
        loader_id=request_id if resource_type == "Document" else "R3",
        document_url=url if resource_type == "Document" else ARTICLE_URL,
        is_main_frame=True,
        initiator=initiator or {"type": "other"},
        wall_time=wall,
        timestamp=5000.0 + (wall - T0),
        status=status,
        status_text="",
        response_headers=headers,
        mime_type=mime if status else None,
        remote_ip=ip if status or extra.get("blocked") else None,
        remote_port=port if status else None,
        protocol=protocol if status else None,
        security_state=("secure" if secure else "insecure") if status else None,
        tls=tls if status and secure else None,
        redirected_to=location,
        encoded_size=encoded,
        decoded_size=decoded,
        body_sha256=sha,
        **extra,
    )


def _article_initiator() -> dict:
    return {"type": "parser", "url": ARTICLE_URL, "lineNumber": 5, "columnNumber": 60}


def redirect_chain_transactions() -> list[Transaction]:
    """Every hop of ``redirect_chain_news``, in the order Chromium sent them."""
    home = "https://www.news.test/home"
    landing = "https://www.news.test/landing"
    first = _hop(
        "R1",
        "http://news.test/",
        T0,
        status=301,
        port=80,
        protocol="http/1.1",
        location="https://news.test/",
        encoded=180,
        decoded=0,
        sha=EMPTY_SHA,
        cdp_request=_cdp_document_request("R1", "http://news.test/", T0),
    )
    final_news = _hop(
        "R1",
        home,
        T0 + 0.10,
        tls=WWW_CERT,
        encoded=900,
        decoded=2000,
        sha=HOME_SHA,
        cdp_request=_cdp_document_request("R1", home, T0 + 0.10),
        cdp_response={
            "requestId": "R1",
            "loaderId": "R1",
            "type": "Document",
            "hasExtraInfo": True,
            "response": {
                "url": home,
                "status": 200,
                "statusText": "",
                "mimeType": "text/html",
                "headers": {"server": "nginx"},
                "remoteIPAddress": "127.0.0.2",
                "remotePort": 8443,
                "protocol": "h2",
                "securityState": "secure",
            },
        },
    )
    return [
        first,
        _hop(
            "R1",
            "https://news.test/",
            T0 + 0.05,
            status=302,
            tls=NEWS_CERT,
            location=home,
            encoded=210,
            decoded=0,
            sha=EMPTY_SHA,
        ),
        final_news,
        _hop(
            "R2",
            landing,
            T0 + 0.60,
            ip="2001:db8::10",
            tls=WWW_CERT,
            encoded=700,
            decoded=1500,
            sha=LANDING_SHA,
        ),
        _hop(
            "R3",
            "https://daily.example/a/7",
            T0 + 1.10,
            status=301,
            ip="192.0.2.80",
            tls=DAILY_CERT,
            location=ARTICLE_URL,
            encoded=150,
            decoded=0,
            sha=EMPTY_SHA,
            initiator={"type": "script", "url": landing, "lineNumber": 3},
        ),
        _hop(
            "R3",
            ARTICLE_URL,
            T0 + 1.15,
            ip="192.0.2.80",
            tls=DAILY_CERT,
            encoded=12000,
            decoded=48000,
            sha=ARTICLE_SHA,
            initiator={"type": "script", "url": landing, "lineNumber": 3},
        ),
        _hop(
            "R4",
            "https://cdn.daily.example/js/app.js",
            T0 + 1.20,
            resource_type="Script",
            ip="2001:db8::20",
            tls=CDN_CERT,
            server="cloudflare",
            mime="application/javascript",
            encoded=30000,
            decoded=90000,
            sha=APP_SHA,
            initiator=_article_initiator(),
        ),
        _hop(
            "R5",
            "https://cdn.daily.example/css/site.css",
            T0 + 1.21,
            resource_type="Stylesheet",
            ip="2001:db8::20",
            tls=CDN_CERT,
            server="cloudflare",
            mime="text/css",
            encoded=5000,
            decoded=20000,
            sha=CSS_SHA,
            initiator=_article_initiator(),
        ),
        _hop(
            "R6",
            "https://cdn.daily.example/img/logo.png",
            T0 + 1.30,
            resource_type="Image",
            ip="2001:db8::20",
            tls=CDN_CERT,
            server="cloudflare",
            mime="image/png",
            encoded=8000,
            decoded=8000,
            sha=LOGO_SHA,
            initiator=_article_initiator(),
        ),
        _hop(
            "R7",
            "https://tracker.evil.test/collect",
            T0 + 1.40,
            status=None,
            resource_type="XHR",
            ip="10.0.0.5",
            initiator={
                "type": "script",
                "stack": {
                    "callFrames": [
                        {
                            "functionName": "send",
                            "url": "https://cdn.daily.example/js/app.js",
                            "lineNumber": 0,
                            "columnNumber": 1200,
                        },
                    ]
                },
            },
            failed="net::ERR_BLOCKED_BY_CLIENT",
            blocked="blocked_address",
        ),
        _hop(
            "R8",
            "http://ads.example.net/ad.js",
            T0 + 1.45,
            status=None,
            resource_type="Script",
            initiator=_article_initiator(),
            failed="net::ERR_NAME_NOT_RESOLVED",
        ),
    ]


def redirect_chain_news() -> RawCapture:
    """The capture of ``http://news.test/`` (see the module docstring)."""
    started = TASK_TIME + timedelta(seconds=2)
    return RawCapture(
        url="http://news.test/",
        options=ScanOptions(headers={"X-Scan": "spyglass"}),
        user_agent=UA,
        started_at=started,
        finished_at=started + timedelta(seconds=4),
        final_url=ARTICLE_URL,
        title="Daily Example — World news",
        transactions=redirect_chain_transactions(),
        navigations=[
            # Listed in the order capture saw them; the js step is recorded before the meta
            # one on purpose: the chain must follow the time stamps.
            Navigation(
                url="https://daily.example/a/7",
                reason="scriptInitiated",
                from_url="https://www.news.test/landing",
                timestamp=T0 + 1.0,
            ),
            Navigation(
                url="https://www.news.test/landing", reason="metaTagRefresh", timestamp=T0 + 0.5
            ),
            Navigation(url=ARTICLE_URL, reason="reload", timestamp=T0 + 3.0),
        ],
        cookies=[
            Cookie(
                name="session",
                value="abc123",
                domain=".daily.example",
                expires=1735000000.5,
                size=13,
                httpOnly=True,
                secure=True,
                session=False,
                sameSite="Lax",
                priority="Medium",
                sourceScheme="Secure",
                sourcePort=443,
            ),
        ],
        console=[
            ConsoleMessage(
                source="javascript",
                level="error",
                text="Uncaught TypeError: x is undefined",
                url="https://cdn.daily.example/js/app.js",
                line=12,
                column=4,
                timestamp=T0 + 1.5,
            ),
        ],
        dialogs=[Dialog(type="alert", message="Subscribe now!", url=ARTICLE_URL)],
        popups=[Popup(url="https://ads.example.net/pop", opener_url=ARTICLE_URL)],
        downloads=[
            Download(
                url="https://daily.example/files/report.pdf",
                suggested_filename="report.pdf",
                size=4096,
                sha256=DOWNLOAD_SHA,
                saved=True,
            ),
        ],
        globals=[
            JSGlobal(prop="dataLayer", type="object"),
            JSGlobal(prop="Daily", type="function"),
        ],
        timing={
            "beginNavigation": T0,
            "frameNavigated": T0 + 1.16,
            "domContentEventFired": T0 + 1.5,
            "loadEventFired": T0 + 1.9,
        },
        dom=ARTICLE_DOM,
        text=ARTICLE_TEXT,
        screenshot_sha256="8" * 64,
        screenshot_kind="full_page",
        resolved={"news.test": "192.0.2.10", "daily.example": "192.0.2.80"},
        blocked=[
            BlockedConnection(
                host="tracker.evil.test", port=443, ip="10.0.0.5", reason="blocked_address"
            ),
        ],
    )


def failed_dns() -> RawCapture:
    """``http://gone.test/`` never resolved: one failed document request, nothing else."""
    started = TASK_TIME + timedelta(seconds=2)
    return RawCapture(
        url="http://gone.test/",
        started_at=started,
        finished_at=started + timedelta(seconds=1),
        transactions=[
            Transaction(
                request_id="F1",
                url="http://gone.test/",
                resource_type="Document",
                frame_id="MAINFRAME",
                loader_id="F1",
                is_main_frame=True,
                wall_time=T0,
                failed="net::ERR_NAME_NOT_RESOLVED",
            ),
        ],
        failure=Failure(
            reason=FailureReason.DNS,
            message="gone.test does not resolve",
            net_error="net::ERR_NAME_NOT_RESOLVED",
        ),
        incomplete=["screenshot: page did not load"],
    )


def task_for(capture: RawCapture, **changes) -> TaskInfo:
    """The submission of ``capture``: a public CLI scan at ``TASK_TIME``."""
    fields = {
        "uuid": "6f1c2a9e-0d5b-4f57-9a43-5c7e1b2d3f40",
        "time": TASK_TIME,
        "url": capture.url,
        "base_url": "https://spyglass.example/",
        "tags": ["news"],
    }
    return TaskInfo(**{**fields, **changes})
