"""What a file is, told from its bytes (magic numbers), never from its name: PDF, images and Office files.

Office Open XML (docx, xlsx, pptx) is a zip holding ``[Content_Types].xml`` and the part folder of its
application; the older Office formats (doc, xls, ppt) are OLE compound files told apart by their main
stream. Macro-enabled Office files (a VBA project inside) count as executable and are not recognised.
Anything else (HTML, SVG, scripts, programs, plain zips) is unknown: :func:`sniff` returns None.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile


@dataclass(frozen=True)
class FileType:
    """A recognised kind of file: its usual extension, the other names of it, and its media type."""

    extension: str
    media_type: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every extension a file of this type may carry."""
        return (self.extension, *self.aliases)


TYPES: dict[str, FileType] = {t.extension: t for t in (
    FileType("pdf", "application/pdf"),
    FileType("png", "image/png"),
    FileType("jpg", "image/jpeg", ("jpeg", "jpe", "jfif")),
    FileType("gif", "image/gif"),
    FileType("webp", "image/webp"),
    FileType("bmp", "image/bmp"),
    FileType("tif", "image/tiff", ("tiff",)),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    FileType("doc", "application/msword"),
    FileType("xls", "application/vnd.ms-excel"),
    FileType("ppt", "application/vnd.ms-powerpoint"),
)}

#: The leading bytes of the plain formats.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
)
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: OOXML part folder → type; OLE main stream → type.
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
OLE_STREAMS = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls", "PowerPoint Document": "ppt"}
#: Inside an Office file: a VBA project (macros).
MACROS = ("vbaproject.bin", "_vba_project_cur", "macros", "_vba_project")
HEAD = 16


def sniff(path: Path) -> FileType | None:
    """The type of the file at ``path`` from its content, or None when it is none of :data:`TYPES`."""
    with path.open("rb") as f:
        head = f.read(HEAD)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return TYPES["webp"]
    for magic, ext in MAGIC:
        if head.startswith(magic):
            return TYPES[ext]
    if head.startswith(ZIP):
        return _ooxml(path)
    if head.startswith(OLE):
        return _ole(path)
    return None


def _ooxml(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except Exception:  # a damaged archive is simply not recognised
        return None
    if "[Content_Types].xml" not in names:
        return None  # a plain zip: anything could be inside
    if any(n.lower().rsplit("/", 1)[-1] in MACROS for n in names):
        return None
    found = {ext for prefix, ext in OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)}
    return TYPES[found.pop()] if len(found) == 1 else None


def _ole(path: Path) -> FileType | None:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = ["/".join(s) for s in ole.listdir(streams=True, storages=True)]
    except Exception:  # a damaged compound file is simply not recognised
        return None
    if any(part.lower() in MACROS for s in streams for part in s.split("/")):
        return None
    found = {ext for name, ext in OLE_STREAMS.items() if name in streams}
    return TYPES[found.pop()] if len(found) == 1 else None


def extension_of(name: str) -> str:
    """The lower-case extension of a file name ('' when it has none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""
