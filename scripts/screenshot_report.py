"""Screenshot a rendered report: ``python3 scripts/screenshot_report.py REPORT_DIR [OUT.png]``.

Opens REPORT_DIR/report.html in headless Chromium and saves a 1280 px wide screenshot (default
REPORT_DIR/report-screenshot.png).  Exit code 2 with one line on stderr if there is no Chromium
or no report.html.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
WINDOW = "1280,4000"


def find_browser() -> str | None:
    """Path of the first Chromium-like browser on PATH, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(browser: str, html: Path, out: Path) -> int:
    """Run headless ``browser`` to write the screenshot of ``html`` to ``out``; its exit code."""
    cmd = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
           f"--screenshot={out}", f"--window-size={WINDOW}", html.resolve().as_uri()]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120).returncode


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: screenshot_report.py REPORT_DIR [OUT.png]", file=sys.stderr)
        return 2
    report_dir = Path(argv[0])
    html = report_dir / "report.html"
    if not html.is_file():
        print(f"screenshot_report: no report.html in {report_dir} (render it with `relu-verify report DIR`)",
              file=sys.stderr)
        return 2
    browser = find_browser()
    if browser is None:
        print(f"screenshot_report: no Chromium found on PATH (looked for {', '.join(BROWSERS)})", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) == 2 else report_dir / "report-screenshot.png"
    code = screenshot(browser, html, out.resolve())
    if code != 0 or not out.is_file():
        print(f"screenshot_report: {browser} failed (exit code {code})", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
