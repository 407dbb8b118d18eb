"""The GraphQL object types, one module per area (in the manner of strawberry's example apps):

- ``common``     — enums and arguments every area shares (Level, System, Status, asOf …);
- ``graph``      — the core graph: units, goals, metrics, their trends and history, the 五纵五横 matrix
  and graph views (with 其他 N 项 folds);
- ``analysis``   — impact tracing, gap explanation and what-if simulation;
- ``monitoring`` — 监测预警 warnings and recording observations;
- ``spiral``     — the 8字质量改进螺旋 and improvement measures;
- ``reports``    — 诊改报告 and the 一页纸 view;
- ``viewer``     — who is calling and the scope they read through;
- ``editing``    — applyChanges' inputs and result;
- ``audit``      — the 审计日志.

Each type is built from the engine's (or the domain's) object by its ``from_model`` class method; field
methods are one-liners over the request context. To add a type: put it in its area's module with a
``from_model``, return it from a resolver in ``zhengai/resolvers/``, then refresh the exported SDL
(``zhengai export-schema > zhengai/schema/schema.graphql``).
"""
