"""The Chinese font of Word charts and PDF reports, found at run time.

A PDF embeds the glyphs it uses (a subset of the font), so it reads the same on any machine; it needs a
TrueType-outline CJK font here. It is looked for in this order: ``ZHENGAI_CJK_FONT`` (a .ttf or .ttc
file), the files of Debian's packages ``fonts-wqy-microhei`` (installed by the project's scripts and the
Dockerfile), ``fonts-wqy-zenhei``, ``fonts-arphic-uming`` and ``fonts-droid-fallback``, then whatever
``fc-list :lang=zh`` knows. None usable: :class:`FontMissingError`, saying what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from functools import cache
from pathlib import Path

__all__ = ["FontMissingError", "cjk_font", "pdf_font"]

#: Debian's TrueType CJK fonts, best first.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)
#: The name the PDF renderer registers the font under.
PDF_FONT = "zhengai-cjk"
_lock = threading.Lock()


class FontMissingError(RuntimeError):
    """No usable Chinese TrueType font on this machine."""

    def __init__(self, tried: list[str]):
        shown = "; ".join(tried[:6]) or "nothing found"
        super().__init__("no Chinese TrueType font for Word charts and PDF reports: install Debian's "
                         "fonts-wqy-microhei (apt-get install fonts-wqy-microhei) or set ZHENGAI_CJK_FONT to "
                         f"a .ttf/.ttc file with TrueType outlines (tried: {shown})")


def _fc_list() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def _candidates() -> list[str]:
    chosen = os.environ.get("ZHENGAI_CJK_FONT")
    if chosen:
        return [chosen]
    found = [*CANDIDATES, *_fc_list()]
    return [p for p in dict.fromkeys(found) if p.lower().endswith((".ttf", ".ttc"))]


def _usable(path: str) -> str | None:
    """Why the PDF renderer cannot use ``path`` (None: it can)."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not Path(path).is_file():
        return f"{path}: no such file"
    try:
        TTFont(PDF_FONT, path, subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        return f"{path}: {exc}"
    return None


@cache
def cjk_font() -> Path:
    """The CJK font file to use (FontMissingError when there is none)."""
    tried = []
    for path in _candidates():
        why = _usable(path)
        if why is None:
            return Path(path)
        tried.append(why)
    raise FontMissingError(tried or ["no candidate font file exists"])


def pdf_font() -> str:
    """The font's name for the PDF renderer, registered once (normal, bold and italic all map to it: the
    CJK fonts have one weight)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(PDF_FONT, str(cjk_font()), subfontIndex=0))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(PDF_FONT, bold, italic, PDF_FONT)
    return PDF_FONT
