"""佐证材料 over HTTP and GraphQL: ``POST /attachments/{kind}/{parentId}`` (multipart/form-data, field
``file``) uploads, ``GET /attachments/{id}`` downloads (always as an attachment, never inline), the
``attachments`` query lists and ``removeAttachment`` removes — thin calls into zhengai.engine.attachments,
the files kept by zhengai.files."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from strawberry.types import Info

from zhengai import texts
from zhengai.domain.errors import ForbiddenError, InvalidArgumentError, NotFoundError, ProblemsError
from zhengai.engine import Engine
from zhengai.engine import attachments as model
from zhengai.engine.writes import WriteService
from zhengai.files.blobs import BlobFolder, TooLarge
from zhengai.files.s3 import S3Blobs
from zhengai.files.settings import AttachmentSettings
from zhengai.files.sniff import TYPES, extension_of, sniff
from zhengai.files.upload import OVERHEAD, BadUpload, FileUpload, boundary_of
from zhengai.resolvers.context import ctx
from zhengai.schema.types.attachments import Attachment, AttachmentParentKind
from zhengai.security.tokens import Principal

#: Headers of every download: saved, never rendered or sniffed by the browser.
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store"}


@strawberry.type
class AttachmentQuery:
    @strawberry.field(description="佐证材料 of a 诊改报告 (parentId SUBJECT@PERIOD), an 改进措施 "
                                  "(SUBJECT/IMP-…) or a task (its id), oldest first, with uploader and time")
    def attachments(self, info: Info, parent_kind: AttachmentParentKind,
                    parent_id: strawberry.ID) -> list[Attachment]:
        found = model.attachments(ctx(info).engine, model.ParentKind(parent_kind), parent_id)
        return [Attachment.from_model(a) for a in found]


@strawberry.type
class AttachmentMutation:
    @strawberry.mutation(description="佐证材料: remove a file from its parent (who may attach may remove); "
                                     "returns the parent's remaining files")
    def remove_attachment(self, info: Info, id: strawberry.ID) -> list[Attachment]:
        c = ctx(info)
        if c.writes is None:
            raise InvalidArgumentError("this service accepts no writes")
        found = model.find(c.engine, id)
        c.writes.attachments(model.plan_remove(c.engine, c.principal, id))
        return [Attachment.from_model(a) for a in model.attachments(c.engine, found.parent_kind,
                                                                      found.parent_id)]


def _refuse(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code, **extra}}]},
                        status_code=status)


def _allowed(settings: AttachmentSettings) -> str:
    return "、".join(sorted(settings.types))


def _refusal(exc: Exception) -> JSONResponse:
    """The HTTP answer to a refused request."""
    if isinstance(exc, NotFoundError):
        return _refuse(404, "NOT_FOUND", texts.say("attachments.not_found", id=exc.node_id))
    if isinstance(exc, ForbiddenError):
        return _refuse(403, "FORBIDDEN", texts.say("attachments.forbidden", reason=exc), reason=exc.code)
    if isinstance(exc, ProblemsError):
        problems = [{"field": p.field, "message": p.message, "code": p.code,
                     "params": {k: str(v) for k, v in p.params.items()}} for p in exc.problems]
        status = 409 if any(p.code == "REPORT_STATE" for p in exc.problems) else 400
        words = "；".join(texts.problem(p.code, p.params, p.message) for p in exc.problems)
        return _refuse(status, "INVALID_ARGUMENT", words, problems=problems)
    return _refuse(400, "INVALID_ARGUMENT", texts.say("attachments.bad_parameter", reason=exc))


def default_folder(journal_folder: Path | None) -> Path | None:
    """Where files are kept without ZHENGAI_ATTACHMENTS_DIR: ``attachments/`` beside the journal."""
    return None if journal_folder is None else journal_folder / "attachments"


class AttachmentEndpoints:
    """The upload and download endpoints over ``engine`` (the caller's view from ``request.state``'s
    principal) and its write path; ``catch_up`` reads what other processes wrote first."""

    def __init__(self, engine: Engine, writes: WriteService, settings: AttachmentSettings,
                 catch_up: Callable[[], object], temporary: bool = False):
        self.engine, self.writes, self.settings, self.catch_up = engine, writes, settings, catch_up
        folder = settings.folder
        self.blobs: BlobFolder | S3Blobs | None
        if settings.s3 is not None:  # the bucket keeps the files; the folder (if any) holds uploads
            self.blobs = S3Blobs(settings.s3, folder / "tmp" if folder is not None else None)
            return
        if folder is None and temporary:  # a store without a state folder: files live as long as it
            folder = Path(tempfile.mkdtemp(prefix="zhengai-attachments-"))
        self.blobs = BlobFolder(folder) if folder is not None else None

    def _caller(self, request: Request) -> tuple[Principal | None, Engine]:
        principal = getattr(request.state, "principal", None)  # set when authentication is on
        if principal is None:
            return Principal.developer(), self.engine
        return principal, self.engine.for_principal(principal)

    async def upload(self, request: Request) -> Response:
        """``POST /attachments/{kind}/{parentId}``: 201 with the new file's metadata."""
        if self.blobs is None:
            return _refuse(503, "ATTACHMENTS_OFF", texts.say("attachments.no_folder"))
        principal, view = self._caller(request)
        try:
            await run_in_threadpool(self.catch_up)
            kind = model.parse_kind(request.path_params["kind"])
            parent = await run_in_threadpool(model.parent_of, view, kind, request.path_params["parent_id"])
            await run_in_threadpool(model.check_writer, view, principal, parent)
        except (NotFoundError, ForbiddenError, InvalidArgumentError) as exc:
            return _refusal(exc)
        limit = self.settings.max_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit + OVERHEAD:
            return _refuse(413, "PAYLOAD_TOO_LARGE", texts.say("attachments.too_large", limit=limit))
        try:
            reader = FileUpload(self.blobs, limit, boundary_of(request.headers.get("content-type")))
            await reader.read(request.stream())
        except TooLarge:
            return _refuse(413, "PAYLOAD_TOO_LARGE", texts.say("attachments.too_large", limit=limit))
        except BadUpload as exc:
            message = {"NOT_MULTIPART": texts.say("attachments.not_multipart"),
                       "NO_FILE": texts.say("attachments.no_file")}.get(
                exc.code, texts.say("attachments.bad_body", reason=exc.reason))
            return _refuse(415 if exc.code == "NOT_MULTIPART" else 400, exc.code, message)
        assert reader.writer is not None
        return await self._keep(reader, view, principal, parent)

    async def _keep(self, reader: FileUpload, view: Engine, principal: Principal | None,
                    parent: model.Parent) -> Response:
        writer = reader.writer
        assert writer is not None
        found = await run_in_threadpool(sniff, writer.finish())
        refusal = self._check_type(found, reader.filename or "")
        if refusal is not None:
            writer.discard()
            return refusal
        assert found is not None
        stored = await run_in_threadpool(writer.keep)
        name = model.clean_name(reader.filename, found.extension)
        if not extension_of(name):
            name = f"{name}.{found.extension}"
        try:
            made, plan = model.plan_attach(view, principal, parent, name, found.media_type, found.extension,
                                           stored.size, stored.sha256)
            await run_in_threadpool(self.writes.attachments, plan)
        except (NotFoundError, ForbiddenError, InvalidArgumentError) as exc:
            return _refusal(exc)
        done = next(a for a in model.attachments(view, parent.kind, parent.id) if a.id == made)
        body = Attachment.from_model(done)
        return JSONResponse({"id": body.id, "parentKind": parent.kind.value, "parentId": parent.id,
                             "name": body.name, "mediaType": body.media_type, "size": body.size,
                             "sha256": body.sha256, "uploadedBy": body.uploaded_by,
                             "uploadedAt": body.uploaded_at.isoformat(), "url": body.url}, status_code=201)

    def _check_type(self, found: Any, filename: str) -> JSONResponse | None:
        allowed = _allowed(self.settings)
        if found is None:
            return _refuse(415, "UNSUPPORTED_TYPE", texts.say("attachments.not_allowed", allowed=allowed))
        if found.extension not in self.settings.types:
            return _refuse(415, "UNSUPPORTED_TYPE", texts.say("attachments.type_off", type=found.extension,
                                                              allowed=allowed))
        ext = extension_of(model.clean_name(filename, found.extension))
        if ext and ext not in found.names():
            return _refuse(415, "TYPE_MISMATCH", texts.say("attachments.mismatch", type=found.extension,
                                                           name=filename, ext=found.extension))
        return None

    async def download(self, request: Request) -> Response:
        """``GET /attachments/{id}``: the file, as an attachment (never inline), to whoever sees its
        parent."""
        _, view = self._caller(request)
        attachment_id = request.path_params["attachment_id"]
        try:
            await run_in_threadpool(self.catch_up)
            found = await run_in_threadpool(model.find, view, attachment_id)
        except (NotFoundError, InvalidArgumentError) as exc:
            return _refusal(exc)
        media = TYPES[found.extension].media_type if found.extension in TYPES else "application/octet-stream"
        missing = _refuse(404, "FILE_MISSING", texts.say("attachments.file_missing", id=attachment_id))
        if isinstance(self.blobs, S3Blobs):
            opened = await run_in_threadpool(self.blobs.open, found.sha256)
            if opened is None:
                return missing
            size, chunks = opened
            return StreamingResponse(chunks, media_type=media, headers={
                **SAFE_HEADERS, "Content-Length": str(size),
                "Content-Disposition": _disposition(found.name)})
        path = self.blobs.path_of(found.sha256) if self.blobs is not None else None
        if path is None or not path.is_file():
            return missing
        return FileResponse(path, media_type=media, filename=found.name, headers=SAFE_HEADERS,
                            content_disposition_type="attachment")


def _disposition(filename: str) -> str:
    """``Content-Disposition: attachment`` with ``filename`` as Starlette's FileResponse writes it."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


def attachment_endpoints(engine: Engine, writes: WriteService, settings: AttachmentSettings,
                         catch_up: Callable[[], object],
                         temporary: bool = False) -> dict[str, Callable[[Request], Awaitable[Response]]]:
    """``upload`` and ``download`` for the app's routes (``temporary``: without a configured folder, keep
    files in a temporary one — a store that keeps nothing across restarts either)."""
    endpoints = AttachmentEndpoints(engine, writes, settings, catch_up, temporary)
    return {"upload": endpoints.upload, "download": endpoints.download}
