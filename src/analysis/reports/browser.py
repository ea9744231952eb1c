"""Open report pages in a real browser, offline, and list what a reader would see go wrong.

:func:`check_pages` opens each page in headless Chromium (Debian's ``chromium`` package,
installed by ``make chromium``; driven by Playwright's Python package pointed at that
executable, so no browser is downloaded) with every request to another host blocked, and
records per page:

* console errors and uncaught script errors,
* failed requests (a missing local file, an outside host blocked),
* broken images (not loaded, or zero pixels wide),
* horizontal overflow: the page is wider than the window (a manager's laptop, 1280 px).

With ``screenshots=`` it saves a full-page PNG of each page there (``make report`` keeps
those of the summaries in ``reports/screenshots/``, git-ignored, for review).

``python -m analysis.reports.browser reports`` checks every page of a report folder and
exits 1 on a problem, 0 when clean, and 0 with a note when no Chromium (or no Playwright) is
installed: the reports themselves are still written.
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


def check_pages(
    pages, *, screenshots: str | Path | None = None, width: int = WIDTH
) -> list[PageCheck]:
    """Open every page of ``pages`` (HTML files) in headless Chromium, offline; see the module
    docstring. Raises RuntimeError when no browser can be started (see :func:`unavailable`)."""
    why = unavailable()
    if why:
        raise RuntimeError(why)
    from playwright.sync_api import sync_playwright

    args = ["--host-resolver-rules=MAP * ~NOTFOUND", "--disable-gpu"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    if screenshots is not None:
        Path(screenshots).mkdir(parents=True, exist_ok=True)
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=args)
        try:
            for path in pages:
                results.append(_check_one(browser, Path(path), screenshots, width))
        finally:
            browser.close()
    return results


def _check_one(browser, path: Path, screenshots, width: int) -> PageCheck:
    check = PageCheck(path.name)
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT}, service_workers="block"
    )

    def route(r):
        if _local(r.request.url):
            r.continue_()
        else:
            check.blocked_requests.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
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
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        check.broken_images = page.evaluate(_BROKEN_IMAGES)
        check.overflow_px = int(page.evaluate(_OVERFLOW))
        if screenshots is not None:
            lang = page.evaluate("document.documentElement.lang") or "xx"
            shot = Path(screenshots) / f"{path.stem}.{lang}.png"
            page.screenshot(path=str(shot), full_page=True)
            check.screenshot = str(shot)
    finally:
        context.close()
    return check


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m analysis.reports.browser",
        description="open every report page offline in headless Chromium; exit 1 on a problem",
    )
    ap.add_argument("folder", help="a folder of built reports (e.g. reports)")
    ap.add_argument("--screenshots", default=None, help="save full-page PNGs of the summaries here")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    why = unavailable()
    if why:
        print(f"browser check skipped: {why}")
        return 0
    pages = sorted(folder.glob("*.html"))
    if not pages:
        print(f"browser check: no HTML pages in {folder}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    summaries = [p for p in pages if p.name.endswith(".summary.html")]
    checks = check_pages(summaries, screenshots=args.screenshots)
    checks += check_pages([p for p in pages if p not in summaries])
    bad = [c for c in checks if c.problems]
    for c in bad:
        for p in c.problems:
            print(f"{c.page}: {p}", file=sys.stderr)
    shots = f"; screenshots in {args.screenshots}" if args.screenshots else ""
    print(
        f"browser check: {len(checks)} pages opened offline in "
        f"{time.perf_counter() - t0:.1f} s, {len(bad)} with a problem{shots}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
