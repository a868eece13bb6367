// Files in conversations, shared by the agent's messaging widget and the customer's messenger: the upload (multipart
// POST with the bearer token, never a token in a URL), and the view of a message's file. The bytes are fetched with
// the token and shown through a blob: URL: images as a preview, other files as a download link. The server refuses
// active content and serves every file as a download with nosniff, so nothing here ever renders a file as a page.
import {h} from './dom.js';

/** Uploads `file` to `conversation`; resolves with {attachment, message, duplicate}, rejects with the catalogue's {code, message, hint}. */
export async function uploadAttachment(conversation, token, file, {clientMessageId, text} = {}) {
  const form = new FormData();
  form.append('file', file, file.name);
  if (clientMessageId) form.append('clientMessageId', clientMessageId);
  if (text) form.append('text', text);
  let r;
  try {
    r = await fetch(`/api/v2/conversations/${encodeURIComponent(conversation)}/attachments`,
      {method: 'POST', headers: {Authorization: `Bearer ${token}`}, body: form, cache: 'no-store'});
  } catch (e) {
    throw Object.assign(new Error('The file could not be sent (the platform did not answer).'),
      {code: 'attachment.unavailable', hint: 'Check the connection and send the file again.'});
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(body.message || `The file was refused (HTTP ${r.status}).`), body);
  return body;
}

/** "2.4 MB": a file's size for people. */
export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const views = new Map();

/**
 * The view of a message's file: one element per attachment id, kept, so a transcript drawn again moves it instead of
 * fetching the bytes again. `token()` answers the current bearer token.
 */
export function attachmentView(conversation, attachment, token) {
  const known = views.get(attachment.id);
  if (known) return known;
  const label = `${attachment.name} (${sizeText(attachment.size)})`;
  const link = h('a', {class: 'df-attachment-link', href: '#', download: attachment.name, dataset: {attachment: attachment.id}},
    `Download ${label}`);
  const view = h('span', {class: 'df-attachment', dataset: {type: attachment.type}}, link);
  views.set(attachment.id, view);
  const url = `/api/v2/conversations/${encodeURIComponent(conversation)}/attachments/${encodeURIComponent(attachment.id)}`;
  let blobUrl = null;
  const load = async () => {
    if (blobUrl) return blobUrl;
    const r = await fetch(url, {headers: {Authorization: `Bearer ${token()}`}, cache: 'no-store'});
    if (!r.ok) {
      const body = await r.json().catch(() => ({}));
      throw Object.assign(new Error(body.message || `The file could not be fetched (HTTP ${r.status}).`), body);
    }
    blobUrl = URL.createObjectURL(await r.blob());
    link.href = blobUrl;
    return blobUrl;
  };
  const failed = e => view.append(h('span', {class: 'df-attachment-error', role: 'alert'},
    `${e.message || 'The file could not be fetched.'} ${e.hint || ''}`.trim()));
  link.addEventListener('click', e => {
    if (blobUrl) return; // the browser downloads the blob: URL itself
    e.preventDefault();
    load().then(() => link.click(), failed);
  });
  if (/^image\/(png|jpeg|gif|webp)$/.test(attachment.type)) {
    const img = h('img', {class: 'df-attachment-image', alt: attachment.name});
    view.prepend(img);
    load().then(u => { img.src = u; }, failed);
  }
  return view;
}
