"""Open report pages in a real browser, offline, and list what a reader would see go wrong.

:func:`check_pages` opens each page in headless Chromium (Debian's ``chromium`` package,
installed by ``make chromium``; driven by Playwright's Python package pointed at that
executable, so no browser is downloaded) with every request to another host blocked, and
records per page:

* console errors and uncaught script errors,
* failed requests (a missing local file, an outside host blocked),
* broken images (not loaded, or zero pixels wide),
* horizontal overflow: the page is wider than the window (a manager's laptop, 1280 px).

With ``screenshots=`` it saves a full-page PNG of each page there, or (``full_page=False``)
of its first screen, what a reader sees on opening it (``make report`` keeps the first
screens of the summaries in ``reports/screenshots/``, git-ignored, for review, and the whole
summaries with ``SHOTS=full``: a full page of ~10,000 px costs Chromium ~0.8 s of CPU).

``python -m analysis.reports.browser reports reports/zh`` checks every page of one or more
report folders in one browser, a few pages at once, and exits 1 on a problem, 0 when clean,
and 0 with a note when no Chromium (or no Playwright) is installed: the reports themselves
are still written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Where to look for Chromium: ``ANALYSIS_CHROMIUM`` first, then these names on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT = 1280, 900

_BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(i => !i.complete || i.naturalWidth === 0)
  .map(i => (i.getAttribute('src') || '').slice(0, 80))"""
_OVERFLOW = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)
  - window.innerWidth"""


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    given = os.environ.get("ANALYSIS_CHROMIUM")
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def unavailable() -> str | None:
    """Why pages cannot be checked in a browser here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install playwright)"
    if find_chromium() is None:
        return (
            "no Chromium found (make chromium installs Debian's package as root; or set "
            "ANALYSIS_CHROMIUM to a Chromium or Chrome executable)"
        )
    return None


@dataclass
class PageCheck:
    """What went wrong when one page was opened (empty lists and 0: nothing)."""

    page: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    overflow_px: int = 0
    screenshot: str | None = None

    @property
    def problems(self) -> list[str]:
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"request to another host (blocked): {u}" for u in self.blocked_requests]
        out += [f"failed request: {u}" for u in self.failed_requests]
        out += [f"broken image: {s}" for s in self.broken_images]
        if self.overflow_px > 0:
            out.append(f"the page is {self.overflow_px} px wider than a {WIDTH} px window")
        return out


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:", "blob:"))


#: Pages open at once in the one browser (each waits for its network to go idle, half a
#: second after the last request, so overlapping them saves most of that wait).
JOBS = 4


def check_pages(
    pages, *, screenshots: str | Path | None = None, width: int = WIDTH, jobs: int = JOBS
) -> list[PageCheck]:
    """Open every page of ``pages`` (HTML files) in headless Chromium, offline; see the module
    docstring. Raises RuntimeError when no browser can be started (see :func:`unavailable`)."""
    return check_many([(p, screenshots) for p in pages], width=width, jobs=jobs)


def check_many(items, *, width: int = WIDTH, jobs: int = JOBS) -> list[PageCheck]:
    """:func:`check_pages` for ``(page, screenshots folder or None)`` pairs, in one browser,
    ``jobs`` pages at a time; the checks come back in the order of ``items``."""
    with PageChecker(width=width, jobs=jobs) as checker:
        futures = [checker.submit(p, s) for p, s in items]
        return [f.result() for f in futures]


class PageChecker:
    """One headless Chromium that checks pages in the background while the caller goes on
    (``analysis report --check-pages`` checks each report's pages as soon as they are
    written, beside the reports still running): :meth:`submit` a page, get a future of its
    :class:`PageCheck`; ``jobs`` pages open at once. Raises RuntimeError when no browser is
    installed (see :func:`unavailable`); the browser starts while the caller goes on, and an
    error in its start comes with each check. Use it as a context manager, or :meth:`close`
    it."""

    def __init__(self, *, width: int = WIDTH, jobs: int = JOBS):
        import asyncio
        import threading
        from concurrent.futures import Future

        why = unavailable()
        if why:
            raise RuntimeError(why)
        self._width = width
        self._slots = asyncio.Semaphore(max(1, jobs))  # (bound to the loop at first use)
        self._loop = asyncio.new_event_loop()
        self._started: Future = Future()
        self._thread = threading.Thread(target=self._serve, name="page-check", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import asyncio

        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as exc:  # noqa: BLE001  (handed to every check)
            self._started.set_exception(exc)
        else:
            self._started.set_result(None)
        self._loop.run_forever()
        self._loop.close()

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        args = ["--host-resolver-rules=MAP * ~NOTFOUND", "--disable-gpu"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
        self._pw = await async_playwright().start()
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=find_chromium(), args=args
            )
        except BaseException:
            await self._pw.stop()
            raise

    def submit(
        self, page: str | Path, screenshots: str | Path | None = None, full_page: bool = True
    ):
        """Open ``page`` (an HTML file) when a slot is free, saving a PNG of the whole page
        (or, ``full_page=False``, of its first screen) into ``screenshots`` (a folder, made if
        missing) when given; a future of its check."""
        import asyncio

        page = Path(page)
        shots = None if screenshots is None else Path(screenshots)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)

        async def one() -> PageCheck:
            await asyncio.wrap_future(self._started)  # (the browser's start-up error)
            async with self._slots:
                return await _check_one(self._browser, page, shots, self._width, full_page)

        return asyncio.run_coroutine_threadsafe(one(), self._loop)

    def close(self) -> None:
        """Close the browser (take the futures' results first: a check still running
        fails)."""
        import asyncio

        if not self._thread.is_alive():
            return

        async def stop():
            try:
                await asyncio.wrap_future(self._started)
            except BaseException:  # noqa: BLE001  (no browser was started)
                return
            try:
                await self._browser.close()
            finally:
                await self._pw.stop()

        try:
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()

    def __enter__(self) -> "PageChecker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


async def _check_one(
    browser, path: Path, screenshots, width: int, full_page: bool = True
) -> PageCheck:
    check = PageCheck(path.name)
    context = await browser.new_context(
        viewport={"width": width, "height": HEIGHT}, service_workers="block"
    )

    async def route(r):
        if _local(r.request.url):
            await r.continue_()
        else:
            check.blocked_requests.append(r.request.url)
            await r.abort("blockedbyclient")

    await context.route("**/*", route)
    page = await context.new_page()
    page.on(
        "console",
        lambda m: check.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: check.console_errors.append(f"uncaught {e}"))
    page.on(
        "requestfailed",
        lambda r: None if not _local(r.url) else check.failed_requests.append(r.url),
    )
    try:
        await page.goto(path.resolve().as_uri(), wait_until="load")
        await page.wait_for_load_state("networkidle")
        check.broken_images = await page.evaluate(_BROKEN_IMAGES)
        check.overflow_px = int(await page.evaluate(_OVERFLOW))
        if screenshots is not None:
            lang = await page.evaluate("document.documentElement.lang") or "xx"
            shot = Path(screenshots) / f"{path.stem}.{lang}.png"
            await page.screenshot(path=str(shot), full_page=full_page)
            check.screenshot = str(shot)
    finally:
        await context.close()
    return check


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.reports.browser",
        description="open every report page offline in headless Chromium; exit 1 on a problem",
    )
    ap.add_argument(
        "folder", nargs="+", help="folder(s) of built reports (e.g. reports reports/zh)"
    )
    ap.add_argument(
        "--screenshots",
        nargs="+",
        default=None,
        metavar="DIR",
        help="save full-page PNGs of the summaries here: one folder per report folder",
    )
    ap.add_argument("--jobs", type=int, default=JOBS, help=f"pages open at once ({JOBS})")
    args = ap.parse_args(argv)
    folders = [Path(f) for f in args.folder]
    shots = args.screenshots or []
    if shots and len(shots) != len(folders):
        ap.error("--screenshots: give one folder per report folder")
    why = unavailable()
    if why:
        print(f"browser check skipped: {why}")
        return 0
    items = []
    for k, folder in enumerate(folders):
        pages = sorted(folder.glob("*.html"))
        if not pages:
            print(f"browser check: no HTML pages in {folder}", file=sys.stderr)
            return 1
        summaries = [p for p in pages if p.name.endswith(".summary.html")]
        items += [(p, shots[k] if shots else None) for p in summaries]
        items += [(p, None) for p in pages if p not in summaries]
    t0 = time.perf_counter()
    checks = check_many(items, jobs=args.jobs)
    return tell(
        [path for path, _ in items],
        checks,
        seconds=time.perf_counter() - t0,
        screenshots=shots,
        full_paths=len(folders) > 1,
    )


def tell(pages, checks, *, seconds: float, screenshots=(), full_paths: bool = True) -> int:
    """Print each page's problems (stderr) and one line of totals; 1 when a page has a
    problem, else 0 (the exit status of a browser check)."""
    bad = [(path, c) for path, c in zip(pages, checks) if c.problems]
    for path, c in bad:
        name = str(path) if full_paths else c.page
        for p in c.problems:
            print(f"{name}: {p}", file=sys.stderr)
    where = f"; screenshots in {', '.join(map(str, screenshots))}" if screenshots else ""
    print(
        f"browser check: {len(checks)} pages opened offline in "
        f"{seconds:.1f} s, {len(bad)} with a problem{where}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
