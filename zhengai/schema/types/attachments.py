"""佐证材料: the files attached to a 诊改报告, an 改进措施 or a task, with uploader and time."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry

from zhengai.engine import attachments as model

AttachmentParentKind = strawberry.enum(model.ParentKind, name="AttachmentParentKind",
                                      description="诊改报告, 改进措施, 任务")


@strawberry.type(description="An attached file (佐证材料): its type is sniffed from its content")
class Attachment:
    id: strawberry.ID
    parent_kind: AttachmentParentKind
    parent_id: str
    name: str
    media_type: str
    size: int = strawberry.field(description="bytes")
    sha256: str
    uploaded_by: str
    uploaded_by_name: str | None
    uploaded_at: datetime
    url: str = strawberry.field(description="where it downloads (GET, with the caller's token)")

    @classmethod
    def from_model(cls, a: model.Attachment) -> Attachment:
        return cls(id=strawberry.ID(a.id), parent_kind=a.parent_kind, parent_id=a.parent_id, name=a.name,
                   media_type=a.media_type, size=a.size, sha256=a.sha256, uploaded_by=a.by,
                   uploaded_by_name=a.by_name, uploaded_at=a.at, url=f"/attachments/{quote(a.id)}")
