// The catalogue of texts (zhengai/texts/zh.yaml), read once at start-up from the page itself: the server
// puts it in a <script type="application/json" id="zhengai-texts"> block (zhengai.web.with_texts), so it is
// there before any script runs. The explorer and the editor show exactly the words the service's reports
// and warnings use. Nothing else in the page defines a label: add a word to the catalogue and read it here.
// (Other clients read the same catalogue at GET /texts.json.)
//
// T: the whole catalogue (T.status.GREEN, T.editor.label.id, …);
// label(table, key): a label, or the key itself when the table has none;
// fmt(template, params): {name} takes params.name, {name:table} the label of params.name in T[table]; a
// list is joined with "、" (the same rules as zhengai.texts.fill in Python).

export const T = JSON.parse(document.getElementById("zhengai-texts").textContent);

export function label(table, key) {
  return T[table]?.[key] ?? String(key);
}

export function fmt(template, params = {}) {
  return String(template ?? "").replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name, table) => {
    const value = params[name];
    if (value == null) return whole;
    if (table) return label(table, value);
    return Array.isArray(value) ? value.join("、") : String(value);
  });
}
