// A small DOM builder: text always goes in as text nodes, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Applies the embedding page's theme: only --df-* custom properties, with values that cannot break out of a declaration. */
export function applyTheme(theme) {
  if (!theme || typeof theme !== 'object') return;
  for (const [k, v] of Object.entries(theme)) {
    if (/^--df-[a-z0-9-]+$/.test(k) && typeof v === 'string' && !/[;{}<>]/.test(v) && v.length < 200) {
      document.documentElement.style.setProperty(k, v);
    }
  }
}

/** The error panel a widget shows instead of a blank frame: message, fix and code (the page's one top-level heading). */
export function errorPanel(error, title = 'This widget cannot start') {
  return h('section', {class: 'df-error', role: 'alert', 'aria-labelledby': 'df-error-title', dataset: {code: error.code || ''}},
    h('h1', {id: 'df-error-title'}, title),
    h('p', {class: 'df-error-message'}, error.message || 'Unknown error.'),
    error.hint ? h('p', {class: 'df-error-hint'}, h('strong', {}, 'Fix: '), error.hint) : null,
    h('p', {class: 'df-error-code'}, 'Error code: ', h('code', {}, error.code || 'unknown')));
}
