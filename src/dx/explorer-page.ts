import type { DemoToken } from '../demo/demo-tokens';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that is safe inside a `<script type="application/json">` block (no `</script>`, no `<!--`). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const DEFAULT_QUERY = `# Kluis explorer (development only).
# Pick a demo user above: their token goes into the
# Headers tab below. A denied field comes back as null
# with a FORBIDDEN error and its path.
query Caseload {
  dossiers(first: 5) {
    edges {
      node {
        id
        status
        subject { firstName lastName dateOfBirth }
        myAccess { relationships read write }
      }
    }
  }
}
`;

/** The bar of demo buttons above GraphiQL (served as /graphiql/assets/explorer.css). */
export const EXPLORER_STYLE = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#kluis-bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; font-size: 13px; }
#kluis-bar button { font: inherit; padding: 3px 8px; border: 1px solid #bbb; border-radius: 4px; background: #f7f7f7; cursor: pointer; }
#kluis-bar button[aria-pressed="true"] { background: #1b4f8a; border-color: #1b4f8a; color: #fff; }
#kluis-bar .note { color: #666; }
#graphiql { flex: 1; min-height: 0; }`;

/** The explorer page: same-origin references only; the demo tokens in a non-executable JSON block. */
export function explorerPage(tokens: DemoToken[]): string {
  const buttons = tokens.map((t) => `<button type="button" data-token-id="${escapeHtml(t.id)}" aria-pressed="false">${escapeHtml(t.label)}</button>`).join('\n    ');
  const signIn = tokens.length
    ? `<span>Sign in as:</span>\n    ${buttons}\n    <button type="button" data-token-id="" aria-pressed="true">no token</button>`
    : '<span class="note">No demo tokens: this server trusts external signing keys (JWKS). Put <code>{"Authorization": "Bearer …"}</code> in the Headers tab.</span>';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Kluis explorer (development)</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <link rel="stylesheet" href="/graphiql/assets/explorer.css">
</head>
<body>
  <div id="kluis-bar">
    <strong>Kluis explorer</strong>
    ${signIn}
  </div>
  <div id="graphiql">Loading the explorer…</div>
  <script type="application/json" id="kluis-explorer-config">${scriptJson({ tokens: Object.fromEntries(tokens.map((t) => [t.id, t.token])), defaultQuery: DEFAULT_QUERY })}</script>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/assets/explorer.js"></script>
</body>
</html>
`;
}

/**
 * The page's script, served as a same-origin file (the CSP allows no inline script). A demo
 * button writes `{"Authorization": "Bearer …"}` into GraphiQL's Headers editor, which GraphiQL
 * sends with every request; the token is not persisted in the browser's storage.
 */
export const EXPLORER_SCRIPT = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('kluis-explorer-config').textContent || '{}');
  var tokens = config.tokens || {};
  var headerEditor = null;
  var pending = null;
  var buttons = Array.prototype.slice.call(document.querySelectorAll('#kluis-bar button[data-token-id]'));

  function headersFor(id) {
    return id && tokens[id] ? JSON.stringify({ Authorization: 'Bearer ' + tokens[id] }, null, 2) : '{}';
  }
  function select(id) {
    var text = headersFor(id);
    if (headerEditor) headerEditor.setValue(text); else pending = text;
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-token-id') === id)); });
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () { select(b.getAttribute('data-token-id')); });
  });

  // Reaches GraphiQL's header editor from inside its provider.
  function HeaderBridge() {
    var editors = GraphiQL.React.useEditorContext();
    var editor = editors && editors.headerEditor;
    React.useEffect(function () {
      headerEditor = editor || null;
      if (headerEditor && pending !== null) { headerEditor.setValue(pending); pending = null; }
    }, [editor]);
    return null;
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
    defaultQuery: config.defaultQuery,
    defaultHeaders: '{}',
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
    isHeadersEditorEnabled: true
  }, React.createElement(GraphiQL.Footer, null, React.createElement(HeaderBridge))));
})();
`;
