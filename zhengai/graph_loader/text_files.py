"""Opening the text files of a dataset or an ingest: UTF-8 (with or without a BOM), UTF-16/32 with a BOM,
or GBK/GB18030 (what Excel writes for a "CSV" on a Chinese Windows), detected; anything else is refused
with a located message naming what the file looks like, never a decoding traceback.

The rule: a BOM decides; else a file that is valid UTF-8 is UTF-8; else, if charset-normalizer finds
GB18030 (a superset of GBK and GB2312) a plausible reading, it is GB18030; else it is refused.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from charset_normalizer import from_bytes

#: The bytes looked at to choose the encoding (the rest is decoded with it, strictly).
SAMPLE = 1 << 20
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SAVE_AS = "save it as UTF-8 (in Excel: 另存为 → CSV UTF-8) or GBK"


class EncodingProblem(ValueError):
    """A file that cannot be read as text; ``line`` is where the problem is (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _whole_lines(head: bytes) -> bytes:
    """``head`` without its last, possibly cut, line (unless it is all there is)."""
    if len(head) < SAMPLE:
        return head
    end = head.rfind(b"\n")
    return head[:end + 1] if end > 0 else head


def _decodes(data: bytes, codec: str) -> UnicodeDecodeError | None:
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
    except UnicodeDecodeError as exc:
        return exc
    return None


def sniff(head: bytes) -> str:
    """The codec of a file that starts with ``head``; raises :class:`EncodingProblem` when it is neither
    UTF-8, UTF-16/32 with a BOM, nor GBK/GB18030."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if head.startswith(b"PK\x03\x04"):
        raise EncodingProblem(1, f"not a text file but a ZIP archive (an Excel .xlsx?): {_SAVE_AS}")
    sample = _whole_lines(head)
    if b"\x00" in sample:
        line = sample[:sample.index(b"\x00")].count(b"\n") + 1
        raise EncodingProblem(line, "not a text file (it holds NUL bytes; UTF-16 without a BOM?): "
                                    + _SAVE_AS)
    bad = _decodes(sample, "utf-8")
    if bad is None:
        return "utf-8"
    matches = from_bytes(sample)
    if any(m.encoding == "gb18030" for m in matches) and _decodes(sample, "gb18030") is None:
        return "gb18030"
    best = matches.best()
    looks = f"it looks like {best.encoding}" if best is not None else "its encoding is unknown"
    line = sample[:bad.start].count(b"\n") + 1
    raise EncodingProblem(line, f"not UTF-8 (byte 0x{sample[bad.start]:02x}) nor GBK/GB18030 ({looks}): "
                                f"{_SAVE_AS}")


def decode_error(path: Path, codec: str, exc: UnicodeDecodeError) -> EncodingProblem:
    """The located problem of a file that stops decoding as ``codec`` past the sample (``exc``): its line
    is found again line by line (a text stream raises for a whole chunk, not a line)."""
    line = 1
    if codec in ("utf-8", "utf-8-sig", "gb18030"):  # a newline byte is never part of a character in these
        with path.open("rb") as raw:
            for line, chunk in enumerate(raw, 1):  # noqa: B007 (the line is wanted after the loop)
                try:
                    chunk.decode(codec)
                except UnicodeDecodeError as found:
                    exc = found
                    break
    return EncodingProblem(line, f"not valid {codec} from here on ({exc.reason}, byte 0x"
                                 f"{exc.object[exc.start]:02x}): {_SAVE_AS}")


def read_text(path: Path) -> str:
    """The whole text of ``path`` (OSError when it cannot be read, EncodingProblem when not text)."""
    data = path.read_bytes()
    codec = sniff(data[:SAMPLE])
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise decode_error(path, codec, exc) from None


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """``path`` opened for reading as text in its encoding (``newline=""``, as :mod:`csv` wants).

    Raises OSError or :class:`EncodingProblem` on opening; a later ``UnicodeDecodeError`` (past the
    sample) is the caller's to locate with :func:`decode_error`.
    """
    with path.open("rb") as raw:
        codec = sniff(raw.read(SAMPLE))
        raw.seek(0)
        with io.TextIOWrapper(raw, encoding=codec, newline="") as text:
            yield text
