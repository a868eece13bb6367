// The panel EmbeddingClient shows in a widget's container when the widget cannot start before any iframe exists (a
// pre-check failed, the token provider failed, or env does not answer yet): the same message, fix and code the
// widget shows after a failed handshake, without the integrator writing code. It lives in a shadow root with a
// constructed stylesheet, so the page's CSS does not reach it and a strict style-src CSP does not block it.

const CSS = `
:host { display: block; height: 100%; }
.df-error { box-sizing: border-box; margin: 12px; padding: 12px 14px; border-radius: var(--df-radius, 8px);
  background: var(--df-error-bg, #fff3f2); color: var(--df-error-fg, #8a1c13); border: 1px solid currentColor;
  font: var(--df-font-size, 14px)/1.4 var(--df-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif); }
.df-error[data-action=reconnect] { background: var(--df-warning-bg, #fff8e1); color: var(--df-warning-fg, #6b4a00); }
h2 { font-size: 1.05em; margin: 0 0 6px; }
p { margin: 6px 0; }
code { font-size: .95em; }
.df-error-widgets { font-size: .9em; }
`;

let sheet = null;

function styles() {
  if (sheet === null) {
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    } catch {
      sheet = undefined; // no constructable stylesheets: the panel still shows, unstyled
    }
  }
  return sheet;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/**
 * Renders `view` ({code, message, hint, action, retry?}) into `host`'s shadow root. `widgets` names the widgets the
 * panel stands for when one container holds several. Text always goes in as text nodes.
 */
export function renderPanel(host, view, {widgets = [], theme} = {}) {
  const root = host.shadowRoot || host.attachShadow({mode: 'open'});
  const s = styles();
  if (s) root.adoptedStyleSheets = [s];
  if (theme) {
    for (const [k, v] of Object.entries(theme)) {
      if (/^--df-[a-z0-9-]+$/.test(k) && typeof v === 'string') host.style.setProperty(k, v);
    }
  }
  const retrying = view.action === 'reconnect';
  const title = retrying ? 'Cannot reach Deskframe, retrying'
    : widgets.length > 1 ? 'These widgets cannot start' : 'This widget cannot start';
  root.replaceChildren(el('section', {class: 'df-error', role: 'alert', 'aria-labelledby': 'df-panel-title',
    'data-code': view.code, 'data-action': view.action},
  el('h2', {id: 'df-panel-title'}, title),
  widgets.length > 1 ? el('p', {class: 'df-error-widgets'}, `Widgets: ${widgets.join(', ')}`) : null,
  retrying && view.retry ? el('p', {class: 'df-error-retry'}, view.retry) : null,
  el('p', {class: 'df-error-message'}, view.message || 'Unknown error.'),
  view.hint ? el('p', {class: 'df-error-hint'}, el('strong', {}, 'Fix: '), view.hint) : null,
  el('p', {class: 'df-error-code'}, 'Error code: ', el('code', {}, view.code || 'unknown'))));
  host.dataset.code = view.code || '';
}
