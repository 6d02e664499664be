"""report.pdf: the HTML report printed by headless Chromium (paper size from the report's CSS)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from playbook.core.files import atomic

CHROMIUM_HELP = ("no Chromium found, so report.pdf was not written (report.html was); install it with "
                 "'sudo apt-get install chromium' (Debian/Ubuntu) and run 'playbook report' again.")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> Path | None:
    """Print the HTML report to PDF with headless Chromium; None when Chromium is missing.

    The paper size comes from the report's CSS (``@page``); the PDF gets an outline
    from the headings. Without Chromium an older PDF at ``pdf_path`` is removed, so
    it never contradicts the new HTML. Raises RuntimeError when Chromium runs but
    writes no PDF.
    """
    exe = chromium()
    if exe is None:
        pdf_path.unlink(missing_ok=True)
        return None
    with atomic(pdf_path) as tmp, tempfile.TemporaryDirectory() as profile:
        tmp.unlink()  # Chromium writes the file itself
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", "--generate-pdf-document-outline",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout,
                                  check=False, text=True)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium ({exe}) took more than {timeout} s to print the report") from None
        if not tmp.is_file() or tmp.stat().st_size == 0:
            detail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"Chromium ({exe}) did not produce a PDF: {detail[0][:300]}")
    return pdf_path
