"""佐证材料 end to end over HTTP with real tokens, on both stores and both places files are kept (a
folder, and an S3-compatible bucket on a real local S3 endpoint: moto's server mode): multipart uploads to
a 诊改报告, an 改进措施 and a task, the type sniffed from the bytes (a .pdf name on HTML or a program is
refused), the size limit (413, early and while streaming), listing with uploader and time, downloads only
as attachments to whoever sees the parent, every write in the 审计日志, and the files and their list kept
across a restart."""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from starlette.testclient import TestClient

from tests.conftest import dataset_copy, engine_for
from tests.test_scopes import AUTH, token
from zhengai.app import create_app
from zhengai.engine import Engine
from zhengai.files.s3 import S3Settings
from zhengai.files.settings import AttachmentSettings, s3_from_env
from zhengai.graph_loader import demo_path
from zhengai.stores import EmbeddedStore

LIST = """query($k: AttachmentParentKind!, $p: ID!) { attachments(parentKind: $k, parentId: $p) {
  id parentKind parentId name mediaType size sha256 uploadedBy uploadedAt url } }"""
REMOVE = """mutation($id: ID!) { removeAttachment(id: $id) { id } }"""
IMPROVE = """mutation($s: ID!, $m: String!) { recordImprovement(subjectId: $s, measure: $m) { id } }"""
SUBMIT = """mutation($s: ID!, $p: String) { submitReport(subjectId: $s, period: $p) { status } }"""
SAVE = """mutation($s: ID!, $p: String, $parts: ReportPartsInput!) {
  saveReport(subjectId: $s, period: $p, parts: $parts) { status } }"""

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def docx_bytes() -> bytes:
    doc = Document()
    doc.add_paragraph("学生企业实践证明")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def zip_bytes(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in names.items():
            z.writestr(name, data)
    return out.getvalue()


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(who)}"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP endpoint on a free local port (moto's server mode), for this module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def new_bucket(endpoint: str) -> S3Settings:
    """A fresh, empty bucket on ``endpoint``."""
    settings = S3Settings(f"zhengai-{uuid.uuid4().hex[:12]}", endpoint, "test-key", "test-secret",
                          "us-east-1", "files")
    settings.client().create_bucket(Bucket=settings.bucket)
    return settings


def objects(settings: S3Settings) -> dict[str, bytes]:
    """Every object of the bucket, by key."""
    client = settings.client()
    listed = client.list_objects_v2(Bucket=settings.bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=settings.bucket, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture(scope="module", params=["folder", "s3"])
def backend(request) -> str:
    """Where files are kept: a folder of the state, or an S3-compatible bucket."""
    return request.param


def settings_for(request: pytest.FixtureRequest, backend: str, folder: Path | None,
                 **limits: Any) -> AttachmentSettings:
    """Attachment settings keeping files in ``folder`` or (``s3``) in a new bucket, uploads spooled there."""
    s3 = new_bucket(request.getfixturevalue("s3_endpoint")) if backend == "s3" else None
    return AttachmentSettings(folder, s3, **limits)


def make_app(engine: Engine, settings: AttachmentSettings | Path) -> TestClient:
    kept = settings if isinstance(settings, AttachmentSettings) else AttachmentSettings(settings)
    return TestClient(create_app(engine, auth=AUTH, attachments=kept))


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def served(request, backend, tmp_path_factory) -> Iterator[TestClient]:
    """The demo college served with authentication and a folder or a bucket for files; a module of its
    own."""
    kept = settings_for(request, backend, tmp_path_factory.mktemp("files"))
    if request.param == "embedded":
        yield make_app(Engine(EmbeddedStore(dataset_copy(demo_path()))), kept)
        return
    yield make_app(engine_for(request, "neo4j", demo_path()), kept)
    request.getfixturevalue("neo4j_datasets").forget()  # attachments and reports made here


def upload(client: TestClient, who: str, kind: str, parent: str, name: str, data: bytes,
           field: str = "file") -> Any:
    return client.post(f"/attachments/{kind}/{parent}", files={field: (name, data)}, headers=auth(who))


def gql(client: TestClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def listed(client: TestClient, who: str, kind: str, parent: str) -> list[dict[str, Any]]:
    body = gql(client, who, LIST, k=kind, p=parent)
    assert not body.get("errors"), body
    return body["data"]["attachments"]


def code(response: Any) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def test_a_report_file_uploads_lists_and_downloads(served):
    up = upload(served, "student", "report", "STU-001@2023", "企业实践证明.pdf", PDF)
    assert up.status_code == 201, up.text
    made = up.json()
    assert made["parentKind"] == "REPORT" and made["parentId"] == "STU-001@2023"
    assert (made["mediaType"], made["size"], made["uploadedBy"]) == ("application/pdf", len(PDF), "student-1")
    files = listed(served, "unit_head", "REPORT", "STU-001@2023")  # the head of 机械工程学院 reads it
    assert [(f["id"], f["name"], f["uploadedBy"]) for f in files] == [(made["id"], "企业实践证明.pdf",
                                                                       "student-1")]
    assert files[0]["uploadedAt"] and files[0]["url"] == f"/attachments/{made['id']}"
    down = served.get(files[0]["url"], headers=auth("unit_head"))
    assert down.status_code == 200 and down.content == PDF
    assert down.headers["content-type"] == "application/pdf"
    assert down.headers["content-disposition"].startswith("attachment;")
    assert "filename*=utf-8''%e4%bc%81" in down.headers["content-disposition"].lower()
    assert down.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in down.headers["content-security-policy"]
    log = gql(served, "admin", "{ auditLog(first: 20) { operation actor summary } }")["data"]["auditLog"]
    assert any(e["operation"] == "attachFile" and e["actor"] == "student-1"
               and "企业实践证明.pdf" in e["summary"] for e in log)
    # a name without extension gets the sniffed one; Office files are told apart by their parts
    word = upload(served, "student", "report", "STU-001@2023", "实习日志", docx_bytes())
    assert word.status_code == 201, word.text
    assert word.json()["name"] == "实习日志.docx"
    assert word.json()["mediaType"].endswith("wordprocessingml.document")


@pytest.mark.parametrize(("name", "data", "refusal"), [
    ("证明.pdf", HTML, "UNSUPPORTED_TYPE"),  # HTML behind a .pdf name
    ("证明.pdf", EXE, "UNSUPPORTED_TYPE"),  # a Windows program behind a .pdf name
    ("图.svg", SVG, "UNSUPPORTED_TYPE"),  # SVG runs scripts: never accepted
    ("证明.pdf", PNG, "TYPE_MISMATCH"),  # a picture named as a PDF
    ("表.docx", zip_bytes({"a.txt": b"x"}), "UNSUPPORTED_TYPE"),  # a plain zip named as Word
    ("宏.docx", zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                          "word/vbaProject.bin": b"macro"}), "UNSUPPORTED_TYPE"),  # macros inside
])
def test_the_type_is_sniffed_from_the_bytes(served, name, data, refusal):
    before = listed(served, "student", "REPORT", "STU-001@2022")
    response = upload(served, "student", "report", "STU-001@2022", name, data)
    assert response.status_code == 415, response.text
    assert code(response) == refusal
    assert listed(served, "student", "REPORT", "STU-001@2022") == before


def test_scopes_decide_who_lists_downloads_and_attaches(served):
    mine = upload(served, "admin", "report", "STU-002@2026", "证明.pdf", PDF)
    assert mine.status_code == 201, mine.text
    hidden = mine.json()["id"]
    # STU-001 does not see STU-002: the report, its files and their download are unknown to them
    body = gql(served, "student", LIST, k="REPORT", p="STU-002@2026")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert served.get(f"/attachments/{hidden}", headers=auth("student")).status_code == 404
    assert upload(served, "student", "report", "STU-002@2026", "x.pdf", PDF).status_code == 404
    # the leader reads everything but attaches nothing
    assert served.get(f"/attachments/{hidden}", headers=auth("leader")).content == PDF
    refused = upload(served, "leader", "report", "STU-002@2026", "x.pdf", PDF)
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["reason"] == "ROLE"
    # a teacher does not write the school's report
    teacher = upload(served, "teacher", "report", "SCH@2026", "x.pdf", PDF)
    assert teacher.status_code == 403, teacher.text
    # without a token nothing is served
    assert served.get(f"/attachments/{hidden}").status_code == 401
    assert served.post("/attachments/report/STU-002@2026", files={"file": ("x.pdf", PDF)}).status_code == 401


def test_improvements_and_tasks_take_files_from_their_writers(served):
    made = gql(served, "student", IMPROVE, s="STU-001", m="每周向辅导员汇报出勤")
    imp = made["data"]["recordImprovement"]["id"]
    up = upload(served, "student", "improvement", f"STU-001/{imp}", "汇报记录.png", PNG)
    assert up.status_code == 201, up.text
    assert listed(served, "student", "IMPROVEMENT", f"STU-001/{imp}")[0]["mediaType"] == "image/png"
    assert upload(served, "student", "improvement", "STU-001/IMP-none", "x.png", PNG).status_code == 404
    led = upload(served, "unit_head", "task", "T26-02", "建设方案.pdf", PDF)  # led by 机械工程学院
    assert led.status_code == 201, led.text
    assert listed(served, "leader", "TASK", "T26-02")[0]["uploadedBy"] == "unit_head-1"
    other = upload(served, "unit_head", "task", "T-01", "x.pdf", PDF)  # 党办's task
    assert other.status_code in (403, 404), other.text
    assert upload(served, "student", "task", "T26-02", "x.pdf", PDF).status_code in (403, 404)


def test_a_submitted_report_takes_no_files_and_removal_follows_the_writers(served):
    s, p = "STU-001", "2024"
    first = upload(served, "student", "report", f"{s}@{p}", "a.pdf", PDF).json()["id"]
    second = upload(served, "student", "report", f"{s}@{p}", "b.pdf", PDF + b"%second").json()["id"]
    refused = gql(served, "leader", REMOVE, id=first)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert gql(served, "student", REMOVE, id=first)["data"]["removeAttachment"] == [{"id": second}]
    assert served.get(f"/attachments/{first}", headers=auth("student")).status_code == 404
    parts = {"selfDiagnosis": "出勤不足。", "causeAnalysis": "作息不规律。", "measures": "制定作息计划。"}
    # the 质管办 writes and submits it here (the students' own audit trail is test_report_workflow's)
    assert not gql(served, "admin", SAVE, s=s, p=p, parts=parts).get("errors")
    assert not gql(served, "admin", SUBMIT, s=s, p=p).get("errors")
    late = upload(served, "student", "report", f"{s}@{p}", "c.pdf", PDF)
    assert late.status_code == 409 and late.json()["errors"][0]["extensions"]["problems"][0]["code"] == \
        "REPORT_STATE"
    assert [f["id"] for f in listed(served, "student", "REPORT", f"{s}@{p}")] == [second]


@pytest.mark.parametrize("backend", ["folder", "s3"])
def test_size_and_type_limits_are_configurable(request, backend, tmp_path):
    kept = settings_for(request, backend, tmp_path, max_bytes=1000, types=frozenset({"pdf"}))
    client = make_app(Engine(EmbeddedStore(dataset_copy(demo_path()))), kept)
    small = upload(client, "admin", "report", "SCH@2026", "小.pdf", PDF)
    assert small.status_code == 201, small.text
    big = PDF + b"0" * 2000
    assert upload(client, "admin", "report", "SCH@2026", "大.pdf", big).status_code == 413
    far = PDF + b"0" * 200_000  # declared far over the limit: refused before the body is read
    early = upload(client, "admin", "report", "SCH@2026", "大.pdf", far)
    assert early.status_code == 413 and code(early) == "PAYLOAD_TOO_LARGE"

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while streaming
        boundary = b"xyz"
        yield b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.pdf\"\r\n\r\n" + PDF
        for _ in range(10):
            yield b"0" * 500
        yield b"\r\n--" + boundary + b"--\r\n"

    streamed = client.post("/attachments/report/SCH@2026", content=chunks(),
                           headers={**auth("admin"), "Content-Type": "multipart/form-data; boundary=xyz"})
    assert streamed.status_code == 413, streamed.text
    off = upload(client, "admin", "report", "SCH@2026", "图.png", PNG)
    assert off.status_code == 415 and "png" in off.json()["errors"][0]["message"]
    assert len(listed(client, "admin", "REPORT", "SCH@2026")) == 1
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing refused is left behind
    if kept.s3 is not None:  # nor in the bucket: the one file accepted, at its content address
        assert list(objects(kept.s3).values()) == [PDF]
    plain = client.post("/attachments/report/SCH@2026", content=PDF,
                        headers={**auth("admin"), "Content-Type": "application/pdf"})
    assert plain.status_code == 415 and code(plain) == "NOT_MULTIPART"
    nofile = client.post("/attachments/report/SCH@2026", data={"note": "x"}, files={"other": ("", b"")},
                         headers=auth("admin"))
    assert nofile.status_code in (400, 415), nofile.text


def test_files_and_their_list_survive_a_restart_embedded(tmp_path):
    state = tmp_path / "state"
    engine = Engine(EmbeddedStore(dataset_copy(demo_path()), state))
    with TestClient(create_app(engine, auth=AUTH)) as client:
        made = upload(client, "student", "report", "STU-001@2026", "证明.pdf", PDF)
        assert made.status_code == 201, made.text
    assert (state / "attachments").is_dir()  # kept beside the journal
    again = Engine(EmbeddedStore(dataset_copy(demo_path()), state))
    with TestClient(create_app(again, auth=AUTH)) as client:
        files = listed(client, "student", "REPORT", "STU-001@2026")
        assert [(f["id"], f["uploadedBy"]) for f in files] == [(made.json()["id"], "student-1")]
        assert client.get(files[0]["url"], headers=auth("student")).content == PDF


@pytest.mark.parametrize("backend", ["folder", "s3"])
def test_files_and_their_list_survive_a_restart_neo4j(request, backend, tmp_path):
    from zhengai.stores.neo4j_store import Neo4jSettings, Neo4jStore

    engine = engine_for(request, "neo4j", demo_path())
    kept = settings_for(request, backend, None if backend == "s3" else tmp_path)  # the bucket alone
    try:
        with make_app(engine, kept) as client:
            made = upload(client, "teacher", "report", "TCH-01@2021", "听课记录.pdf", PDF)
            assert made.status_code == 201, made.text
        store = Neo4jStore(Neo4jSettings(os.environ["NEO4J_TEST_URI"]))  # a new process's view
        try:
            with make_app(Engine(store), kept) as client:
                files = {f["id"]: f for f in listed(client, "teacher", "REPORT", "TCH-01@2021")}
                url = files[made.json()["id"]]["url"]
                assert client.get(url, headers=auth("teacher")).content == PDF
                assert client.get(url, headers=auth("student")).status_code == 404
        finally:
            store.close()
    finally:
        request.getfixturevalue("neo4j_datasets").forget()


def test_without_a_folder_uploads_are_refused_not_lost(request):
    """Neo4j keeps the metadata but no files: without ZHENGAI_ATTACHMENTS_DIR uploads are refused (503)."""
    engine = engine_for(request, "neo4j", demo_path())
    client = TestClient(create_app(engine, auth=AUTH, attachments=AttachmentSettings(None)))
    before = listed(client, "admin", "REPORT", "SCH@2026")
    refused = upload(client, "admin", "report", "SCH@2026", "证明.pdf", PDF)
    assert refused.status_code == 503 and code(refused) == "ATTACHMENTS_OFF"
    assert listed(client, "admin", "REPORT", "SCH@2026") == before


def test_the_bucket_keeps_each_content_once_at_its_address(request, tmp_path):
    """Two uploads of the same bytes are one object, at ``PREFIX/ab/cdef…`` of its sha256; a file missing
    from the bucket is a 404, not a crash."""
    kept = settings_for(request, "s3", None)
    client = make_app(Engine(EmbeddedStore(dataset_copy(demo_path()))), kept)
    first = upload(client, "admin", "report", "SCH@2026", "证明.pdf", PDF).json()
    second = upload(client, "admin", "task", "T26-02", "同一份.pdf", PDF).json()
    sha = first["sha256"]
    assert second["sha256"] == sha and objects(kept.s3) == {f"files/{sha[:2]}/{sha[2:]}": PDF}
    down = client.get(second["url"], headers=auth("admin"))
    assert down.status_code == 200 and down.content == PDF
    assert down.headers["content-disposition"].startswith("attachment;")
    assert down.headers["content-length"] == str(len(PDF))
    kept.s3.client().delete_object(Bucket=kept.s3.bucket, Key=f"files/{sha[:2]}/{sha[2:]}")
    gone = client.get(first["url"], headers=auth("admin"))
    assert gone.status_code == 404 and code(gone) == "FILE_MISSING"


def test_the_bucket_is_configured_by_environment(monkeypatch, tmp_path):
    for name in ("ENDPOINT", "BUCKET", "ACCESS_KEY", "SECRET_KEY", "REGION", "PREFIX"):
        monkeypatch.delenv(f"ZHENGAI_ATTACHMENTS_S3_{name}", raising=False)
    assert s3_from_env() is None and AttachmentSettings.from_env(tmp_path).s3 is None  # the folder: default
    monkeypatch.setenv("ZHENGAI_ATTACHMENTS_S3_ENDPOINT", "http://127.0.0.1:9000")
    with pytest.raises(ValueError, match="BUCKET"):
        s3_from_env()
    monkeypatch.setenv("ZHENGAI_ATTACHMENTS_S3_BUCKET", "zhengai-files")
    monkeypatch.setenv("ZHENGAI_ATTACHMENTS_S3_ACCESS_KEY", "key")
    with pytest.raises(ValueError, match="SECRET_KEY"):
        s3_from_env()
    monkeypatch.setenv("ZHENGAI_ATTACHMENTS_S3_SECRET_KEY", "secret")
    monkeypatch.setenv("ZHENGAI_ATTACHMENTS_S3_REGION", "cn-north-1")
    settings = AttachmentSettings.from_env(tmp_path)
    assert settings.s3 == S3Settings("zhengai-files", "http://127.0.0.1:9000", "key", "secret", "cn-north-1")
    assert settings.folder == tmp_path and "secret" not in repr(settings)
