// The 佐证材料 page: the files of a 诊改报告, an 改进措施 or a task — listed with uploader and time,
// uploaded (multipart; the service sniffs the type), downloaded as attachments, removed. Words come from the
// catalogue (texts.js); requests carry the explorer's bearer token (sessionStorage) when there is one.
import { T, fmt } from "./texts.js";

const TOKEN_KEY = "zhengai.token";
const $ = (id) => document.getElementById(id);
const P = T.attachments.page;
let token = sessionStorage.getItem(TOKEN_KEY);

function headers(extra = {}) {
  return { ...extra, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, headers: headers(init.headers) });
  if (response.status === 401) $("token-box").hidden = false;
  return response;
}

async function refusal(response) {
  try {
    const body = await response.json();
    return body.errors.map((e) => e.message).join("；");
  } catch {
    return String(response.status);
  }
}

async function gql(query, variables = {}) {
  const response = await call("graphql", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("；"));
  return body.data;
}

function say(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function button(text, testid, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.dataset.testid = testid;
  b.addEventListener("click", onclick);
  return b;
}

const LIST = `query($k: AttachmentParentKind!, $p: ID!) { attachments(parentKind: $k, parentId: $p) {
  id name mediaType size uploadedBy uploadedByName uploadedAt url } }`;
const REMOVE = `mutation($id: ID!) { removeAttachment(id: $id) { id } }`;

async function download(file) {
  const response = await call(file.url);
  if (!response.ok) return say(fmt(P.failed, { reason: await refusal(response) }), true);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = file.name;
  link.click();
  URL.revokeObjectURL(link.href);
}

async function load() {
  const rows = $("rows");
  rows.replaceChildren();
  $("files").dataset.state = "loading";
  try {
    const files = (await gql(LIST, { k: $("kind").value, p: $("parent").value.trim() })).attachments;
    for (const f of files) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "file-row";
      const actions = document.createElement("td");
      actions.append(button(P.download, "download", () => download(f)),
        button(P.remove, "remove", () => remove(f)));
      tr.append(cell(f.name), cell(f.mediaType), cell(f.size), cell(f.uploadedByName || f.uploadedBy),
        cell(new Date(f.uploadedAt).toLocaleString("zh-CN")), actions);
      rows.append(tr);
    }
    if (!files.length) say(P.none);
    $("files").dataset.state = "ready";
  } catch (e) {
    $("files").dataset.state = "error";
    say(fmt(P.failed, { reason: e.message }), true);
  }
}

async function remove(file) {
  try {
    await gql(REMOVE, { id: file.id });
    await load();  // then the removal's words (an emptied list would say 暂无佐证材料 over them)
    say(fmt(P.removed, { name: file.name }));
  } catch (e) {
    say(fmt(P.failed, { reason: e.message }), true);
  }
}

async function upload() {
  const chosen = $("file").files[0];
  if (!chosen) return say(P.choose, true);
  const body = new FormData();
  body.append("file", chosen, chosen.name);
  const where = `attachments/${$("kind").value.toLowerCase()}/${$("parent").value.trim()}`;
  const response = await call(where, { method: "POST", body });
  if (response.status !== 201) return say(fmt(P.failed, { reason: await refusal(response) }), true);
  const made = await response.json();
  await load();
  say(fmt(P.uploaded, { name: made.name, size: made.size }));
}

for (const [kind, word] of Object.entries(T.attachments.parent)) {
  $("kind").append(new Option(word, kind));
}
$("token").addEventListener("change", (e) => {
  token = e.target.value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  load();
});
$("load").addEventListener("click", load);
$("upload").addEventListener("click", upload);
const given = new URLSearchParams(location.search).get("parent");
if (given && given.includes(":")) {
  const [kind, ...rest] = given.split(":");
  $("kind").value = kind.toUpperCase();
  $("parent").value = rest.join(":");
  load();
}
