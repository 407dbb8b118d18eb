// 目标检索: a search box over the service's searchGoals (exact id, then ids and names beginning with the
// text, then containing it; Chinese included) — shared by the explorer and the 驾驶舱. Each hit links to the
// explorer's goal chain (#goal=ID).

import { T, fmt, label } from "./texts.js";

const QUERY = `query SearchGoals($t: String!, $asOf: Date) {
  searchGoals(text: $t, first: 20, asOf: $asOf) { id name level } }`;
const FIRST = 20;

/** Wires ``input`` to list the goals matching its text in ``list`` (``gql(query, variables)`` asks the
 * service; ``asOf()`` gives the monitoring date; ``href(id)`` a hit's link). */
export function attachSearch(input, list, { gql, asOf = () => null, href = (id) => `./#goal=${encodeURIComponent(id)}` }) {
  const D = T.dashboard;
  let ticket = 0;
  let timer = 0;
  const item = (cls, text) => Object.assign(document.createElement("li"), { className: cls, textContent: text });

  async function run() {
    const text = input.value.trim();
    const mine = ++ticket;
    if (!text) { list.hidden = true; return; }
    const found = (await gql(QUERY, { t: text, asOf: asOf() })).searchGoals;
    if (mine !== ticket) return;
    const rows = found.map((g) => {
      const li = document.createElement("li");
      li.dataset.testid = "search-hit";
      li.dataset.goalId = g.id;
      const a = Object.assign(document.createElement("a"), { href: href(g.id), textContent: g.name });
      a.addEventListener("click", () => { list.hidden = true; });
      const small = Object.assign(document.createElement("small"), { textContent: ` ${g.id} · ${label("level", g.level)}` });
      li.append(a, small);
      return li;
    });
    if (!found.length) rows.push(item("empty", D.searchEmpty));
    if (found.length === FIRST) rows.push(item("empty", fmt(D.searchMore, { count: FIRST })));
    list.replaceChildren(...rows);
    list.hidden = false;
    list.dataset.text = text;
  }

  input.placeholder = D.search;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run().catch((e) => list.replaceChildren(item("empty", e.message))), 150);
  });
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") list.hidden = true; });
}
