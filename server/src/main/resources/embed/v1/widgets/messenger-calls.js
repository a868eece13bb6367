// Calls in the customer's messenger panel: Voice and Video call buttons that call the conversation's agent, the
// agent's own call to the customer (an escalation) to accept or decline, and the running call with mute, hang up,
// timer and, for video, the two tiles. The CallEngine (calls.js) runs on the panel's gateway session.
import {durationText, elapsedSeconds, endProblem, endText, nameOf, peerOf, roleOf} from '../call-core.js';
import {CallEngine} from './calls.js';
import {h} from './dom.js';

export function messengerCalls({bridge, gateway, me, onProblem}) {
  const ui = {
    voice: h('button', {type: 'button', class: 'df-m-call', id: 'df-m-voice', disabled: true, onclick: () => start(false)}, 'Voice call'),
    video: h('button', {type: 'button', class: 'df-m-call', id: 'df-m-video', disabled: true, onclick: () => start(true)}, 'Video call'),
    panel: h('section', {class: 'df-m-callpanel', id: 'df-m-callpanel', 'aria-label': 'Call', hidden: true}),
    audio: h('audio', {id: 'df-m-remote-audio', autoplay: true, hidden: true}),
    closed: new Set(),  // ended calls the customer closed
    latest: null,
  };
  ui.bar = h('div', {class: 'df-m-callbar', role: 'group', 'aria-label': 'Call the agent'}, ui.voice, ui.video);

  const engine = new CallEngine({
    gateway,
    me,
    log: (step, fields) => bridge.log(step, fields),
    onChange: rec => { ui.latest = rec.id; render(); },
    onEvent: (name, detail) => {
      if (name === 'callEnded') {
        const p = endProblem(detail.call, me(), {turn: engine.turn ?? null});
        if (p) { detail = {...detail, message: p.message, hint: p.hint}; onProblem(p); }
      }
      bridge.event(name, detail);
    },
  });

  async function start(video) {
    try {
      const call = await engine.invite({conversation: bridge.conversation}, video ? 'video' : 'audio');
      return call;
    } catch (e) {
      onProblem(e);
      throw e;
    }
  }

  /** The call to show: a live one, else the one that changed last until the customer closes it. */
  function current() {
    const all = [...engine.calls.values()].filter(r => r.call).reverse();
    const latest = ui.latest && engine.calls.get(ui.latest);
    return all.find(r => r.call.state !== 'ended') || (latest && latest.call && !ui.closed.has(latest.id) ? latest : null);
  }

  function render() {
    const rec = current();
    const live = rec && rec.call.state !== 'ended';
    ui.voice.disabled = ui.video.disabled = !!live || gateway.state !== 'ready' || !bridge.callsAllowed;
    ui.panel.hidden = !rec;
    if (!rec) { ui.audio.srcObject = null; return; }
    const c = rec.call;
    const m = me();
    const incoming = c.state === 'ringing' && roleOf(c, m) === 'callee' && !rec.local;
    const mine = live ? engine.mine(c) : {};
    const text = incoming ? `${nameOf(peerOf(c, m))} is calling you (${c.media === 'video' ? 'video' : 'voice'})`
      : c.state === 'ringing' ? 'Calling…' : c.state === 'held' ? 'On hold' : c.state === 'connected' ? 'In a call' : endText(c, m);
    const video = c.media === 'video';
    ui.panel.dataset.state = c.state;
    ui.panel.dataset.call = c.id;
    ui.panel.replaceChildren(...[
      h('p', {class: 'df-m-callstate', role: 'status', 'aria-live': 'polite'}, text,
        c.state !== 'ringing' && live ? h('span', {class: 'df-m-timer', role: 'timer'}, ` ${durationText(elapsedSeconds(c))}`) : null),
      video && live && !incoming ? h('div', {class: 'df-tiles'},
        h('figure', {class: 'df-tile'}, h('video', {id: 'df-m-remote-video', autoplay: true, playsinline: true, 'aria-label': 'The agent\u2019s video'})),
        h('figure', {class: 'df-tile df-tile-local'}, h('video', {id: 'df-m-local-video', autoplay: true, playsinline: true, 'aria-label': 'Your video'}))) : null,
      h('div', {class: 'df-m-callcontrols'},
        incoming ? [
          h('button', {type: 'button', class: 'df-accept', id: 'df-m-accept', onclick: () => engine.accept(c.id).catch(onProblem)}, 'Accept call'),
          h('button', {type: 'button', class: 'df-decline', id: 'df-m-decline', onclick: () => engine.decline(c.id).catch(onProblem)}, 'Decline')]
          : live ? [
            c.state !== 'ringing' ? h('button', {type: 'button', id: 'df-m-mute', 'aria-pressed': String(!!mine.muted),
              onclick: () => engine.mute(c.id, !mine.muted).catch(onProblem)}, 'Mute') : null,
            h('button', {type: 'button', class: 'df-hangup', id: 'df-m-hangup', onclick: () => engine.hangup(c.id).catch(onProblem)},
              c.state === 'ringing' ? 'Cancel call' : 'Hang up')]
            : h('button', {type: 'button', id: 'df-m-callclose', onclick: () => { ui.closed.add(c.id); render(); }}, 'Close'))]
      .filter(Boolean));
    if (live && rec.remoteStream && ui.audio.srcObject !== rec.remoteStream) {
      ui.audio.srcObject = rec.remoteStream;
      ui.audio.play().catch(() => {});
    }
    if (!live) ui.audio.srcObject = null;
    const rv = document.getElementById('df-m-remote-video');
    if (rv && rec.remoteStream) rv.srcObject = rec.remoteStream;
    const lv = document.getElementById('df-m-local-video');
    if (lv && rec.stream) { lv.muted = true; lv.srcObject = rec.stream; }
  }

  setInterval(() => {
    const rec = current();
    const t = ui.panel.querySelector('.df-m-timer');
    if (rec && t && rec.call.state !== 'ended') t.textContent = ` ${durationText(elapsedSeconds(rec.call))}`;
  }, 1000);

  /** The customer page's commands (Messenger.startCall, answer, decline, hangup, mute, callStats). */
  async function command(f) {
    const pick = () => f.call || (current() && current().id);
    switch (f.op) {
      case 'startCall': return {call: await start(!!f.video)};
      case 'answer': return {call: await engine.accept(pick())};
      case 'decline': return {call: await engine.decline(pick())};
      case 'hangup': return {call: await engine.hangup(pick())};
      case 'mute': return {call: await engine.mute(pick(), f.on)};
      case 'stats': {
        const stats = await engine.stats(pick());
        if (!stats) throw {code: 'call.not_found', message: 'There is no call in this conversation.', hint: 'Start one with startCall().'};
        return {stats};
      }
      default: throw {code: 'request.invalid', message: `'${f.op}' is not a call command.`};
    }
  }

  return {engine, ui, render, command};
}
