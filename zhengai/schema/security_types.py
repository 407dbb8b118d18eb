"""Who is calling (the viewer) and what their scope is, for front-ends."""

from __future__ import annotations

import strawberry

from zhengai.domain import enums
from zhengai.engine import Engine
from zhengai.schema import reporting_types as rt
from zhengai.schema import types as t
from zhengai.security.tokens import Principal


@strawberry.type(description="The caller: identity from the token and the scope they read through")
class Viewer:
    sub: str
    name: str | None
    roles: list[str]
    unit_id: strawberry.ID | None
    subject_id: strawberry.ID | None
    scoped: bool = strawberry.field(description="Reads through a scope (UNIT_HEAD, TEACHER, STUDENT)")
    own_subjects: list[rt.Subject] = strawberry.field(description="The quality subjects they are or answer "
                                                                  "for: their 8字螺旋 and reports")
    unit: t.Unit | None

    @classmethod
    def of(cls, principal: Principal, engine: Engine) -> Viewer:
        units = engine.units()
        unit = units.get(principal.unit or "")
        subjects = [rt.Subject(id=strawberry.ID(s.id), name=s.name, level=s.level,
                               level_name=enums.LEVEL_ZH[s.level],
                               unit=t.Unit.of(units[s.unit]) if s.unit in units else None)
                    for s in engine.own_subjects()]
        return cls(sub=principal.sub, name=principal.name, roles=sorted(principal.roles),
                   unit_id=strawberry.ID(principal.unit) if principal.unit else None,
                   subject_id=strawberry.ID(principal.subject) if principal.subject else None,
                   scoped=engine.restricted, own_subjects=subjects,
                   unit=t.Unit.of(unit) if unit else None)
