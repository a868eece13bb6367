// A widget the deployment cannot start (WidgetAvailability on the server; since issue 12 every agent widget starts):
// a clear "not enabled" state, not an error. It needs no token, so EmbeddingClient does not send it one.
import {WidgetBridge} from './bridge.js';
import {h} from './dom.js';

const app = document.getElementById('app');
const widget = app.dataset.widget;
const bridge = new WidgetBridge(widget, {needsToken: false});
const name = widget === 'video' ? 'Video calls' : 'Voice calls';
// The platform's own words (its widget availability rule, the same one /embed/v1/env and deskframe doctor report).
const notice = app.dataset.notice || `${name} are not enabled yet on this Deskframe deployment.`;
app.replaceChildren(h('section', {class: 'df-unavailable', role: 'status', 'aria-live': 'polite'},
  h('h1', {}, name),
  h('p', {}, notice),
  h('p', {class: 'df-muted'}, 'They arrive with calls support; nothing needs fixing in your integration.')));
app.removeAttribute('aria-busy');
bridge.log('not enabled', {notice});
bridge.status('not_enabled', {notice});
