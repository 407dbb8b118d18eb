// GraphiQL from the service's own files: the saved operations are its default tabs, queries POST to
// this page's URL (the GraphQL endpoint itself), and nothing is loaded from another host.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("playground-config").textContent);
  const endpoint = new URL(window.location.pathname, window.location.origin).href;

  // GraphiQL keeps its tabs in localStorage; a namespace per set of saved operations makes a changed
  // set of operations appear again instead of an old session's tabs.
  const prefix = config.storageNamespace + ":";
  const keys = () => Object.keys(window.localStorage).filter((k) => k.startsWith(prefix));
  // GraphiQL's history (and favourites) would keep every run's headers — a bearer token — whatever
  // shouldPersistHeaders says: they are dropped before anything is written.
  const withoutHeaders = (key, value) => {
    if (!/(^|:)(queries|favorites)$/.test(key)) return value;
    try {
      const data = JSON.parse(value);
      (data.queries ?? []).forEach((q) => { delete q.headers; });
      return JSON.stringify(data);
    } catch {
      return value;
    }
  };
  const storage = {
    getItem: (key) => window.localStorage.getItem(prefix + key),
    setItem: (key, value) => window.localStorage.setItem(prefix + key, withoutHeaders(key, value)),
    removeItem: (key) => window.localStorage.removeItem(prefix + key),
    clear: () => keys().forEach((k) => window.localStorage.removeItem(k)),
    get length() { return keys().length; },
  };

  // The explorer's 登录令牌 (sessionStorage of this tab) fills the headers editor; headers are never
  // written to localStorage (shouldPersistHeaders: false).
  const token = window.sessionStorage.getItem("zhengai.token");
  const defaultHeaders = token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined;

  const fetcher = GraphiQL.createFetcher({ url: endpoint });
  const logo = React.createElement(GraphiQL.Logo, null,
    React.createElement("a", { href: "./", title: "返回五纵五横质量网络浏览器" }, "诊改知识图谱"));
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    storage,
    defaultTabs: config.tabs.map((t) => ({ query: t.query })),
    defaultHeaders,
    defaultEditorToolsVisibility: "variables",
    shouldPersistHeaders: false,
  }, logo));
})();
