// The widget side of the postMessage contract with EmbeddingClient (docs/embedding.md). Messages go to the embedding
// page's exact origin, and only messages from the parent window with that origin are accepted; the origin the
// browser reports for them is what the gateway checks against the OAuth client's allowed origins.
import {debugLine} from '../core.js';

export class WidgetBridge {
  constructor(widget, {needsToken}) {
    const params = new URLSearchParams(location.search);
    this.widget = widget;
    this.client = params.get('client');
    this.org = params.get('org');
    this.debug = params.get('debug') === '1';
    this.parentOrigin = expectedParentOrigin(params.get('parent'));
    this.session = null;
    this._handlers = {};
    this.embedded = window.parent !== window && !!this.parentOrigin;
    window.addEventListener('message', e => {
      if (e.source !== window.parent || e.origin !== this.parentOrigin) return;
      const d = e.data;
      if (!d || d.deskframe !== 1 || typeof d.type !== 'string') return;
      const h = this._handlers[d.type];
      if (h) h(d, e.origin);
    });
    if (this.embedded) this.post({type: 'hello', needsToken});
  }

  on(type, handler) {
    this._handlers[type] = handler;
  }

  post(message) {
    if (this.embedded) window.parent.postMessage({deskframe: 1, widget: this.widget, ...message}, this.parentOrigin);
  }

  status(state, extra = {}) {
    this.post({type: 'status', state, session: this.session, ...extra});
  }

  event(name, detail = {}) {
    this.post({type: 'event', name, detail});
  }

  /**
   * A debug step, sent to the embedding page, which prints it with its own steps in one timeline; a widget page opened
   * on its own prints it here.
   */
  log(step, fields = {}) {
    if (!this.debug) return;
    if (this.embedded) this.post({type: 'log', step, session: this.session, fields});
    else console.debug(debugLine(step, {widget: this.widget, session: this.session, ...fields}));
  }
}

/**
 * The embedding page's origin: the 'parent' parameter, cross-checked with location.ancestorOrigins where the browser
 * has it (a page cannot lie about that one). Null when the page is not framed as expected.
 */
function expectedParentOrigin(claimed) {
  let origin = null;
  try {
    origin = claimed ? new URL(claimed).origin : null;
  } catch {
    origin = null;
  }
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) {
    if (origin && ancestors[0] !== origin) return null;
    return ancestors[0];
  }
  return origin;
}
