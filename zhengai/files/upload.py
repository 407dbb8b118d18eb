"""A multipart/form-data body read as it streams in: its one file part written straight to a
:class:`~zhengai.files.blobs.BlobWriter` (never whole in memory), refused once it passes the size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

from zhengai.files.blobs import BlobFolder, BlobWriter
from zhengai.files.s3 import S3Blobs

#: Bytes of a body beyond its file: boundaries, part headers and small form fields.
OVERHEAD = 64 * 1024


class BadUpload(Exception):
    """A body that is not a usable multipart upload (``code``: NOT_MULTIPART, NO_FILE, BAD_BODY)."""

    def __init__(self, code: str, reason: str = ""):
        super().__init__(reason or code)
        self.code, self.reason = code, reason


def boundary_of(content_type: str | None) -> bytes:
    """The boundary of a multipart/form-data Content-Type (BadUpload otherwise)."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadUpload("NOT_MULTIPART")
    return boundary


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    field_name: bytes = b""
    value: bytes = b""


class FileUpload:
    """Reads one upload: the first part with a file name goes to a blob writer; other fields are kept
    (small). After :meth:`read`, ``writer`` holds the file and ``filename`` its name as sent."""

    def __init__(self, blobs: BlobFolder | S3Blobs, max_bytes: int, boundary: bytes):
        self.blobs, self.max_bytes = blobs, max_bytes
        self.writer: BlobWriter | None = None
        self.filename: str | None = None
        self.fields: dict[str, str] = {}
        self._part: _Part | None = None
        self._into_file = False
        self._done_file = False
        self._extra = 0
        self._header = b""
        self._hfield = b""
        self._events: list[tuple[str, bytes]] = []
        self._parser = MultipartParser(boundary, {
            "on_part_begin": lambda: self._events.append(("begin", b"")),
            "on_part_data": lambda d, s, e: self._events.append(("data", bytes(d[s:e]))),
            "on_part_end": lambda: self._events.append(("end", b"")),
            "on_header_field": lambda d, s, e: self._events.append(("hfield", bytes(d[s:e]))),
            "on_header_value": lambda d, s, e: self._events.append(("hvalue", bytes(d[s:e]))),
            "on_header_end": lambda: self._events.append(("hend", b"")),
            "on_headers_finished": lambda: self._events.append(("hdone", b"")),
        })

    async def read(self, chunks: AsyncIterator[bytes]) -> None:
        """Feed the body; BadUpload for a malformed one, TooLarge past the limit (nothing kept)."""
        try:
            async for chunk in chunks:
                if not chunk:
                    continue
                try:
                    self._parser.write(chunk)
                except Exception as exc:  # the parser's errors: a malformed body
                    raise BadUpload("BAD_BODY", str(exc)) from exc
                self._handle()
            self._parser.finalize()
            self._handle()
        except BaseException:
            if self.writer is not None:
                self.writer.discard()
            raise
        if self.writer is None:
            raise BadUpload("NO_FILE")

    def _handle(self) -> None:
        events, self._events = self._events, []
        for kind, data in events:
            if kind == "begin":
                self._part = _Part()
            elif kind == "hfield":
                self._hfield += data
            elif kind == "hvalue":
                self._header += data
            elif kind == "hend":
                assert self._part is not None
                self._part.headers[self._hfield.lower()] = self._header
                self._hfield, self._header = b"", b""
            elif kind == "hdone":
                self._start_part()
            elif kind == "data":
                self._data(data)
            elif kind == "end":
                self._end_part()

    def _start_part(self) -> None:
        assert self._part is not None
        _, options = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.field_name = options.get(b"name", b"")
        filename = options.get(b"filename")
        if filename is not None and not self._done_file:
            self.filename = filename.decode("utf-8", errors="replace")
            self.writer = self.blobs.writer(self.max_bytes)
            self._into_file = True

    def _data(self, data: bytes) -> None:
        if self._into_file:
            assert self.writer is not None
            self.writer.write(data)
            return
        self._extra += len(data)
        if self._extra > OVERHEAD:
            raise BadUpload("BAD_BODY", f"form fields beyond the file exceed {OVERHEAD} bytes")
        if self._part is not None:
            self._part.value += data

    def _end_part(self) -> None:
        if self._into_file:
            self._into_file, self._done_file = False, True
        elif self._part is not None and self._part.field_name:
            self.fields[self._part.field_name.decode("utf-8", "replace")] = \
                self._part.value.decode("utf-8", "replace")
        self._part = None
