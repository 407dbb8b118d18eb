"""Who is calling (the viewer) and what their scope is, for front-ends."""

from __future__ import annotations

import strawberry

from zhengai.engine import Engine
from zhengai.schema.types.graph import Unit
from zhengai.schema.types.reports import Subject
from zhengai.security.tokens import Principal


@strawberry.type(description="The caller: identity from the token and the scope they read through")
class Viewer:
    sub: str
    name: str | None
    roles: list[str]
    unit_id: strawberry.ID | None
    subject_id: strawberry.ID | None
    scoped: bool = strawberry.field(description="Reads through a scope (UNIT_HEAD, TEACHER, STUDENT)")
    own_subjects: list[Subject] = strawberry.field(description="The quality subjects they are or answer "
                                                               "for: their 8字螺旋 and reports")
    unit: Unit | None

    @classmethod
    def from_model(cls, principal: Principal, engine: Engine) -> Viewer:
        units = engine.units()
        unit = units.get(principal.unit or "")
        subjects = [Subject.from_model(s, units.get(s.unit or "")) for s in engine.own_subjects()]
        return cls(sub=principal.sub, name=principal.name, roles=sorted(principal.roles),
                   unit_id=strawberry.ID(principal.unit) if principal.unit else None,
                   subject_id=strawberry.ID(principal.subject) if principal.subject else None,
                   scoped=engine.restricted, own_subjects=subjects,
                   unit=Unit.maybe(unit))
