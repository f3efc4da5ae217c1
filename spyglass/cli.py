"""``spyglass`` command line: ``spyglass scan URL`` scans one URL on this machine.

Exit codes: 0 scanned (possibly partial: the report says what is missing), 1 unexpected error,
2 invalid URL or option, 3 refused scheme, 4 blocked address, 5 unresolvable host,
6 browser could not start, 7 the page could not be loaded (the report says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import json
import logging
import os
import signal
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, get_args

import click

from spyglass.capture.browser import BrowserPool, check_browser
from spyglass.errors import InvalidOption, SpyglassError
from spyglass.models import CookieSpec, RawCapture, ScanOptions, TaskInfo, Viewport, Visibility
from spyglass.netpolicy import check_target
from spyglass.settings import Settings, parse_networks, parse_pins

# The analysis (~1 s of imports and data) is imported where it is used: `scan` loads it in a
# thread while the browser starts and the page loads (`_load_analysis`).
if TYPE_CHECKING:
    from spyglass.pipeline import FinishedScan, RefData
    from spyglass.refdata.ipdata import IPData
    from spyglass.store import Store

EXIT_SCAN_FAILED = 7


@click.group()
@click.version_option(package_name="spyglass")
def main() -> None:
    """Spyglass: open suspicious URLs in an isolated Chromium and report what it saw."""


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report document as JSON.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write report.json, screenshot.png, dom.html and capture.har to this folder.",
)
@click.option("--visibility", type=click.Choice(get_args(Visibility)), default="public")
@click.option("--user-agent", help="User-Agent header and navigator.userAgent.")
@click.option("--referer", help="Referer of the first request.")
@click.option(
    "--header", "headers", multiple=True, metavar="NAME:VALUE", help="Extra request header."
)
@click.option(
    "--cookie", "cookies", multiple=True, metavar="NAME=VALUE", help="Cookie to set first."
)
@click.option("--viewport", default="1280x720", show_default=True, metavar="WxH")
@click.option("--device", help="A Playwright device name, e.g. 'iPhone 13'.")
@click.option("--locale", help="e.g. de-DE")
@click.option("--timezone", help="e.g. Europe/Berlin")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Hard limit, seconds.")
@click.option("--no-javascript", is_flag=True, help="Scan with JavaScript disabled.")
@click.option("--no-decoy", is_flag=True, help="Offer the page no decoy crypto wallets.")
@click.option(
    "--no-interact", is_flag=True, help="Click nothing once the page settles (lure buttons)."
)
@click.option(
    "--insecure", is_flag=True, help="Load pages whose TLS certificate does not validate."
)
@click.option(
    "--resolve",
    "pins",
    multiple=True,
    metavar="HOST:ADDRESS",
    help="Pin HOST to ADDRESS for this scan, like curl's --resolve.",
)
@click.option(
    "--allow-network",
    "networks",
    multiple=True,
    metavar="CIDR",
    help="Open an address range that the guard closes by default (private, loopback...).",
)
def scan(url: str, as_json: bool, out: Path | None, visibility: Visibility, user_agent: str | None,
         referer: str | None, headers: tuple[str, ...], cookies: tuple[str, ...], viewport: str,
         device: str | None, locale: str | None, timezone: str | None, timeout: float,
         no_javascript: bool, no_decoy: bool, no_interact: bool, insecure: bool,
         pins: tuple[str, ...], networks: tuple[str, ...]) -> None:  # fmt: skip
    """Scan URL in a fresh headless Chromium and print the report."""
    try:
        settings = Settings.from_env()
        options = ScanOptions(
            user_agent=user_agent,
            referer=referer,
            headers=_pairs(headers, ":", "--header"),
            cookies=tuple(
                CookieSpec(name=k, value=v) for k, v in _pairs(cookies, "=", "--cookie").items()
            ),
            viewport=_viewport(viewport),
            device=device,
            locale=locale,
            timezone=timezone,
            timeout=timeout,
            javascript=not no_javascript,
            decoy=not no_decoy,
            interact=not no_interact,
            insecure_tls=insecure,
            resolve=parse_pins(pins),
            allow_networks=parse_networks(networks),
        )
        checked, loaded = _load_analysis(settings)
        reported: Future[FinishedScan] = Future()
        finish = functools.partial(_finish, loaded, settings, visibility, reported)
        capture = asyncio.run(_scan(url, options, settings, checked, finish))
        loaded.result()  # broken reference data: its message and exit code
    except SpyglassError as e:
        click.echo(f"spyglass: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except ValueError as e:  # pydantic validation of options
        click.echo(f"spyglass: invalid_option: {_first_error(e)}", err=True)
        sys.exit(InvalidOption.exit_code)
    from spyglass.render import render_text

    finished = reported.result()  # an error of finish_scan's own is raised here, as a crash
    if out is not None:
        write_outputs(out, capture, finished)
    report = finished.report
    click.echo(json.dumps(report.to_json_dict(), indent=2) if as_json else render_text(report))
    if capture.failure is not None:
        sys.exit(EXIT_SCAN_FAILED)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int,
              help="Scan workers in this process (0: API and pages only).")  # fmt: skip
def serve(host: str, port: int, workers: int) -> None:
    """Run the API, the web pages and scan workers in one process (SQLite by default)."""
    import uvicorn  # only the server needs it

    from spyglass.service.app import create_app
    from spyglass.worker import run_workers

    settings = _settings_or_exit()
    if "SPYGLASS_PUBLIC_URL" not in os.environ:
        settings = settings.model_copy(update={"public_url": f"http://{host}:{port}"})
    # Webhooks must never reach the API itself, whatever URL it is known by.
    settings = settings.model_copy(update={"service_ports": (*settings.service_ports, port)})
    ip_data = _ip_data_or_exit(settings)  # one per process: the API's and the workers'
    # Workers that cannot isolate the browser must stop the service before it takes any work.
    isolation = _or_exit(lambda: asyncio.run(check_browser(settings))) if workers > 0 else None
    store = _open_store(settings)
    try:
        app = create_app(
            settings,
            store,
            lifespan_tasks=[
                functools.partial(run_workers, settings, store, workers, ip_data=ip_data)
            ],
            ip_data=ip_data,
            isolation=isolation,
        )
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        store.close()


@main.command()
@click.option("--workers", default=1, show_default=True, type=int, help="Concurrent scans.")
def worker(workers: int) -> None:
    """Run scan workers alone, against the shared database (SPYGLASS_DATABASE_URL)."""
    from spyglass.worker import run_workers

    settings = _settings_or_exit()
    ip_data = _ip_data_or_exit(settings)
    store = _open_store(settings)
    try:
        _or_exit(
            lambda: asyncio.run(
                _until_signalled(lambda stop: run_workers(settings, store, workers, stop, ip_data))
            )
        )
    finally:
        store.close()


@main.group()
def keys() -> None:
    """Manage API keys."""


@keys.command("create")
@click.argument("name", default="default")
def keys_create(name: str) -> None:
    """Create an API key; the key alone is printed on the last line."""
    with _env_store() as store:
        key_id, secret = store.create_api_key(name)
    click.echo(f"Created API key {key_id} ({name}). Send it in the API-Key header:")
    click.echo(secret)


@keys.command("list")
def keys_list() -> None:
    """List the API keys: id, name, created, last used, revoked (never a secret)."""
    with _env_store() as store:
        listed = store.api_keys()
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "name", "created", "last used", "revoked")
    for key in listed:
        table.add_row(
            key.id, key.name, _when(key.created_at), _when(key.last_used_at), _when(key.revoked_at)
        )
    Console(width=None if sys.stdout.isatty() else 240).print(table)


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke the key KEY_ID (from `keys list`): the API and the pages refuse it at once and
    its sign-in sessions end. Its scans stay, owned by it."""
    with _env_store() as store:
        before = {key.id: key for key in store.api_keys()}.get(key_id)
        key = store.revoke_api_key(key_id) if before is not None else None
    if before is None or key is None:
        raise click.BadParameter(f"no API key {key_id} (see `spyglass keys list`)")
    if before.revoked_at is not None:
        click.echo(f"API key {key.id} ({key.name}) was already revoked on {_when(key.revoked_at)}.")
    else:
        click.echo(f"Revoked API key {key.id} ({key.name}).")


@main.command()
@click.argument("query", default="")
@click.option("--size", default=20, show_default=True, type=click.IntRange(0, 10_000))
@click.option("--owner", metavar="KEY_ID", help="Search as this API key: its unlisted and "
              "private scans too (by default only public scans are found).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the API's search response.")
def search(query: str, size: int, owner: str | None, as_json: bool) -> None:
    """Search stored scans with urlscan.io's query language, newest first.

    \b
    spyglass search 'domain:example.com AND date:>now-7d'
    spyglass search 'form.domain:collect.evil.test OR text:"verify your account"'
    """
    from spyglass.errors import InputError
    from spyglass.service.documents import search_hit

    settings = _settings_or_exit()
    store = _open_store(settings)
    try:
        found = store.search(query, viewer=owner, size=size)
    except InputError as e:
        raise click.UsageError(e.message) from None
    finally:
        store.close()
    hits = [search_hit(record, settings.public_url) for record in found.records]
    if as_json:
        body = {"results": hits, "total": found.total, "has_more": found.has_more}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    # Piped output is not cut to 80 columns: a UUID must stay whole to be pasted.
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 240)
    table = Table("time", "uuid", "domain", "ip", "country", "status", "score", "url")
    for hit in hits:
        page = hit["page"]
        score = (hit.get("verdicts") or {}).get("score", "")
        table.add_row(
            hit["task"]["time"][:19].replace("T", " "), hit["_id"], page.get("domain") or "",
            page.get("ip") or "", page.get("country") or "", page.get("status") or "",
            str(score), hit["task"]["url"],
        )  # fmt: skip
    console.print(table)
    more = "+" if found.total >= 10_000 else ""
    console.print(f"{len(hits)} of {found.total}{more} scans")


@main.command()
def reindex() -> None:
    """Rebuild the search index of every stored scan from its report."""
    settings = _settings_or_exit()
    store = _open_store(settings)
    try:
        done = store.reindex()
    finally:
        store.close()
    click.echo(f"Reindexed {done} scans.")


@main.group()
def data() -> None:
    """Manage the data Spyglass ships (the OFAC list of sanctioned crypto addresses)."""


@data.command("update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def data_update(file: Path) -> None:
    """Rebuild the sanctioned-address list from an OFAC SDN Advanced XML FILE (.xml or .xml.bz2,
    from https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML).

    The list is written to SPYGLASS_SANCTIONS_FILE, else <data dir>/sanctions/, and is used
    instead of the bundled one from the next scan a process makes after it restarts.
    """
    import xml.etree.ElementTree as ET

    from spyglass.refdata import sanctions_list as sanctions

    settings = _settings_or_exit()
    try:
        dataset = sanctions.build_from_sdn_xml(file)
    except (ET.ParseError, OSError, EOFError) as e:
        raise click.ClickException(f"{file}: not a readable SDN Advanced XML file ({e})") from e
    if not dataset.assets:
        raise click.ClickException(
            f"{file}: no digital-currency addresses found; the list in use was left as it is"
        )
    target = sanctions.update_target(settings)
    sanctions.write(dataset, target)
    click.echo(f"{dataset.name} list of {dataset.date or 'unknown date'} written to {target}")
    for asset, count in dataset.counts().items():
        click.echo(f"  {asset:<5} {count:>5}")
    click.echo(f"  total {sum(dataset.counts().values()):>5}")


def _when(moment: datetime | None) -> str:
    """``datetime(2026, 11, 25, 17, 0, 30, tzinfo=UTC)`` -> ``"2026-11-25 17:00 UTC"``;
    None -> ``""``."""
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else ""


@contextlib.contextmanager
def _env_store() -> Iterator[Store]:
    """The store the environment's settings name, closed afterwards."""
    store = _open_store(_settings_or_exit())
    try:
        yield store
    finally:
        store.close()


def _open_store(settings: Settings) -> Store:
    from spyglass.store import Store

    return Store.open(
        settings.data_dir, settings.database_url, search_timeout=settings.search_timeout
    )


async def _until_signalled(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(stop)


T = TypeVar("T")


def _or_exit(step: Callable[[], T]) -> T:
    """``step()``, or its error for people and its exit code."""
    try:
        return step()
    except SpyglassError as e:
        click.echo(f"spyglass: {e.format_message()}", err=True)
        sys.exit(e.exit_code)


def _settings_or_exit() -> Settings:
    return _or_exit(Settings.from_env)


def _ip_data_or_exit(settings: Settings) -> IPData:
    from spyglass.refdata.ipdata import IPData

    return _or_exit(lambda: IPData.from_settings(settings))


def _load_analysis(settings: Settings) -> tuple[Future[None], Future[RefData]]:
    """The analysis code and its reference data, loaded in a thread (the browser and the page
    need none of it, and it needs ~1-2 s): ``checked`` once the settings' data is known to be
    good (an unreadable SPYGLASS_MMDB, a broken YARA rule raise there), ``loaded`` when all of
    it is in memory (``preload``). Daemon: an error exit need not wait for it."""
    checked: Future[None] = Future()
    loaded: Future[RefData] = Future()

    def load() -> None:
        # The cyclic collector would walk the ~400,000 objects being made here again and again:
        # full passes of 100-160 ms each, twice a scan and once more at exit, during which the
        # thread that drives the browser cannot run. It stays off while they are made; then
        # they are frozen (never walked again: they live as long as the process), as a worker's.
        collecting = gc.isenabled()
        gc.disable()
        failure: BaseException | None = None
        try:
            from spyglass.pipeline import RefData

            refdata = RefData.from_settings(settings)
            checked.set_result(None)
            refdata.preload()
        except BaseException as e:  # handed on to whoever waits for the data
            failure = e
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        if failure is None:
            loaded.set_result(refdata)
            return
        for future in (checked, loaded):
            if not future.done():
                future.set_exception(failure)

    threading.Thread(target=load, name="spyglass-analysis", daemon=True).start()
    return checked, loaded


def _finish(
    loaded: Future[RefData],
    settings: Settings,
    visibility: Visibility,
    finished: Future[FinishedScan],
    capture: RawCapture,
) -> None:
    """``finish_scan`` of ``capture`` into ``finished``, once the reference data is ``loaded``."""
    try:
        from spyglass.pipeline import finish_scan

        task = TaskInfo(
            uuid=str(uuid.uuid4()),
            time=capture.started_at,
            url=capture.url,
            visibility=visibility,
            method="cli",
            source="cli",
            scanner_country=settings.scanner_country,
        )
        finished.set_result(finish_scan(capture, task, loaded.result()))
    except BaseException as e:  # handed on to whoever waits for the report
        finished.set_exception(e)


async def _scan(
    url: str,
    options: ScanOptions,
    settings: Settings,
    checked: Future[None] | None = None,
    then: Callable[[RawCapture], None] | None = None,
) -> RawCapture:
    """Scan ``url``; ``then(capture)`` runs in a thread while the browser closes (0.1-0.2 s,
    about what building the report takes)."""
    # The target is judged before a browser is started: a refused URL costs nothing.
    target = await check_target(url, options, settings)
    meanwhile: asyncio.Future[None] | None = None
    with _progress(f"Scanning {target}"):
        async with BrowserPool(settings) as pool:
            if checked is not None:  # bad reference data stops the scan before the page is seen
                await asyncio.wrap_future(checked)
            capture = await pool.capture(target, options)
            if then is not None:
                meanwhile = asyncio.ensure_future(asyncio.to_thread(then, capture))
        if meanwhile is not None:
            await meanwhile
    return capture


def write_outputs(folder: Path, capture: RawCapture, finished: FinishedScan) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(finished.report.to_json_dict(), indent=2))
    (folder / "capture.har").write_text(json.dumps(finished.har, indent=1))
    if capture.dom is not None:
        (folder / "dom.html").write_text(capture.dom)
    if capture.screenshot is not None:
        (folder / "screenshot.png").write_bytes(capture.screenshot)


def _progress(message: str) -> contextlib.AbstractContextManager[object]:
    """A spinner on a terminal; nothing when stderr is piped or captured."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _pairs(values: tuple[str, ...], sep: str, option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, found, rest = value.partition(sep)
        if not found or not name.strip():
            raise InvalidOption(f"{option}: expected NAME{sep}VALUE, got {value!r}")
        pairs[name.strip()] = rest.strip()
    return pairs


def _viewport(value: str) -> Viewport:
    width, found, height = value.lower().partition("x")
    if not found or not width.isdigit() or not height.isdigit():
        raise InvalidOption(f"--viewport: expected WIDTHxHEIGHT, got {value!r}")
    return Viewport(width=int(width), height=int(height))


def _first_error(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(error)


def run() -> None:
    """The ``spyglass`` program (pyproject's entry point): ``main``, and after ``scan`` a quick
    exit. A scan's process ends with nothing left to do (the browser, its driver and folders
    are gone, the output is written), but tearing the interpreter down would free the reference
    data object by object: ~0.1 s more before the shell gets its prompt back. So ``os._exit``
    once the output is flushed, as mypy does. Tests run ``main`` (click's CliRunner), which
    never gets here; the other commands exit as usual."""
    code: str | int | None = 0
    try:
        main()
    except SystemExit as e:
        code = e.code
    if len(sys.argv) > 1 and sys.argv[1] == "scan" and isinstance(code, int | None):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: Python's own exit reports it, with its exit code
            sys.exit(code)
        logging.shutdown()
        os._exit(code or 0)
    sys.exit(code)


if __name__ == "__main__":
    run()
