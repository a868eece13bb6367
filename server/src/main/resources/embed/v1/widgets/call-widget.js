// The voice and video widgets (one page each, this shared code): incoming calls with accept and decline, a dial form
// and pad to call an agent, mute, hold, hang up, the call's timer, device selection, an audio level meter and, for
// video, the local and remote tiles with camera on and off. Calls run on the CallEngine (calls.js) over this widget's
// gateway session; every failure shows the catalogue's message and fix.
import {DIAL_KEYS, audioLevel, dialTarget, durationText, elapsedSeconds, endProblem, endText, nameOf, peerOf, roleOf}
  from '../call-core.js';
import {problem} from '../codes.js';
import {Op} from '../ops.js';
import {WidgetBridge} from './bridge.js';
import {CallEngine} from './calls.js';
import {applyTheme, errorPanel, h} from './dom.js';
import {GatewaySession} from './gateway.js';

export function startCallWidget(widget) {
  const video = widget === 'video';
  const media = video ? 'video' : 'audio';
  const app = document.getElementById('app');
  const bridge = new WidgetBridge(widget, {needsToken: true});
  const state = {me: null, failed: null, problem: null, selected: null, shell: false};

  const gateway = new GatewaySession({
    widget, org: bridge.org, embedOrigin: null,
    log: (step, fields) => bridge.log(step, fields),
    onFrame: f => {
      if (engine.onFrame(f)) return;
      if (f.op === Op.TOKEN_EXPIRING) bridge.event('tokenExpiring', {in: f.in, expiresAt: f.expiresAt});
      else if (f.op === Op.REFRESHED) bridge.event('tokenRefreshed', {expiresAt: f.expiresAt, scopes: f.scopes, session: gateway.sessionId});
    },
    onState: s => {
      if (s.session) bridge.session = s.session;
      if (s.state === 'ready') {
        state.me = s.agent ? {kind: 'agent', id: s.agent.id, displayName: s.agent.displayName} : null;
        state.failed = null;
        renderShell();
        setConnection('Connected', 'ready');
      } else if (s.state === 'error') {
        state.failed = s.error;
        app.removeAttribute('aria-busy');
        app.replaceChildren(errorPanel(s.error));
      } else if (s.state === 'connecting' && gateway.everReady) {
        setConnection('Connection lost: reconnecting… (calls keep their media)', 'reconnecting');
        bridge.status('reconnecting', {session: gateway.sessionId, agent: state.me});
        return;
      } else if (!state.shell) {
        app.replaceChildren(h('p', {class: 'df-loading', role: 'status'},
          s.error ? `Connecting… (${s.error.code}: ${s.error.message})` : 'Connecting…'));
      }
      bridge.status(s.state, {session: s.session, agent: s.agent, error: s.error});
    },
    onDisconnected: d => {
      engine.detach();
      setConnection(`Connection lost (${d.code}): reconnecting…`, 'reconnecting');
      bridge.event('disconnected', d);
      bridge.status('reconnecting', {session: gateway.sessionId, agent: state.me});
    },
    onReconnected: d => {
      bridge.event('reconnected', d);
      engine.reattach();
    },
    needToken: reason => bridge.post({type: 'needToken', reason}),
    resumePositions: () => ({}),
  });

  const engine = new CallEngine({
    gateway,
    me: () => state.me,
    log: (step, fields) => bridge.log(step, fields),
    onChange: rec => { if (!state.selected || rec.call.state !== 'ended' || state.selected === rec.id) state.selected = rec.id; render(); },
    onEvent: (name, detail) => {
      if (name === 'callEnded') {
        const p = endProblem(detail.call, state.me, {turn: engine.turn ?? null});
        if (p) detail = {...detail, message: p.message, hint: p.hint};
      }
      bridge.event(name, detail);
    },
  });

  bridge.on('token', (d, origin) => {
    gateway.embedOrigin = origin;
    applyTheme(d.theme);
    if (d.org) gateway.org = d.org;
    if (d.calls) {
      try { engine.setOptions(d.calls); } catch (e) { bridge.log('calls option ignored', {reason: e.message}); }
    }
    gateway.useToken(d.token);
  });
  bridge.on('refresh', d => gateway.refresh(d.token));
  window.addEventListener('pagehide', () => engine.leave());
  bridge.on('destroy', () => { for (const r of engine.active()) engine.hangup(r.id).catch(() => {}); gateway.close(); });
  bridge.on('command', d => {
    const reply = x => bridge.post({type: 'commandResult', requestId: d.requestId, reply: x});
    const fail = e => bridge.post({type: 'commandResult', requestId: d.requestId,
      error: {code: e.code || 'request.invalid', message: e.message, hint: e.hint, closeCode: e.closeCode}});
    runCommand(d.frame || {}).then(reply, e => { if (e && e.code && e.code.startsWith('media.')) showProblem(e); fail(e); });
  });

  if (!bridge.embedded) {
    app.replaceChildren(errorPanel({code: 'request.invalid', message: 'This widget page is meant to be framed by EmbeddingClient.',
      hint: "Mount it with new EmbeddingClient({...}) from /embed/v1/deskframe.js instead of opening it directly."},
    'Open this widget through EmbeddingClient'));
    app.removeAttribute('aria-busy');
  }

  /** EmbeddingClient's call commands (clickToDial, answer, decline, hangup, hold, mute, callStats, camera). */
  async function runCommand(f) {
    if (gateway.state !== 'ready' && f.op !== 'stats') {
      throw {code: 'request.invalid', message: `The ${widget} widget is not connected.`, hint: `Wait for the ${widget} widget's 'ready' event.`};
    }
    switch (f.op) {
      case 'dial': return {call: await engine.invite({agent: f.agent, conversation: f.conversation}, f.media || media)};
      case 'answer': return {call: await engine.accept(f.call)};
      case 'decline': return {call: await engine.decline(f.call)};
      case 'hangup': return {call: await engine.hangup(f.call)};
      case 'hold': return {call: await engine.hold(f.call, f.on)};
      case 'mute': return {call: await engine.mute(f.call, f.on)};
      case 'camera': engine.camera(f.call, f.on); return {call: engine.calls.get(f.call)?.call};
      case 'stats': {
        const stats = await engine.stats(f.call);
        if (!stats) throw {code: 'call.not_found', message: `Call ${f.call} is not known to this widget.`, hint: 'Use the id clickToDial resolved with, or the call of a call event.'};
        return {stats};
      }
      default: throw {code: 'request.invalid', message: `'${f.op}' is not a call command.`};
    }
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  let els = {};

  function renderShell() {
    app.removeAttribute('aria-busy');
    if (state.shell) { render(); return; }
    state.shell = true;
    const targetInput = h('input', {id: 'df-dial-target', name: 'target', autocomplete: 'off', required: true,
      placeholder: 'agent id, e.g. agent2', 'aria-describedby': 'df-dial-help'});
    const dialForm = h('form', {class: 'df-dial', 'aria-label': `Start a ${video ? 'video' : 'voice'} call`, onsubmit: e => {
      e.preventDefault();
      const agent = dialTarget(targetInput.value);
      if (!agent) { showProblem({code: 'request.invalid', message: 'Enter the id of the agent to call.', hint: 'An agent id has letters, digits, dots, dashes or underscores.'}); return; }
      showProblem(null);
      engine.invite({agent}, media).catch(showProblem);
    }},
    h('label', {for: 'df-dial-target'}, 'Call an agent'),
    h('p', {id: 'df-dial-help', class: 'df-visually-hidden'}, 'Type an agent id or use the dial pad, then press Call.'),
    h('div', {class: 'df-dial-row'}, targetInput, h('button', {type: 'submit', id: 'df-dial-call'}, 'Call')),
    h('div', {class: 'df-dialpad', role: 'group', 'aria-label': 'Dial pad'},
      DIAL_KEYS.map(k => h('button', {type: 'button', class: 'df-key', 'aria-label': `Dial ${k}`, onclick: () => {
        targetInput.value += k; targetInput.focus();
      }}, k))));

    const mic = h('select', {id: 'df-mic', onchange: e => engine.useDevice('audioinput', e.target.value).catch(showProblem)});
    const speaker = h('select', {id: 'df-speaker', onchange: e => setSpeaker(e.target.value)});
    const camera = video ? h('select', {id: 'df-camera', onchange: e => engine.useDevice('videoinput', e.target.value).catch(showProblem)}) : null;
    const devices = h('details', {class: 'df-devices'},
      h('summary', {}, 'Devices'),
      h('label', {for: 'df-mic'}, 'Microphone'), mic,
      h('label', {for: 'df-speaker'}, 'Speaker'), speaker,
      video ? [h('label', {for: 'df-camera'}, 'Camera'), camera] : null);
    devices.addEventListener('toggle', () => { if (devices.open) listDevices(); });

    els = {
      connection: h('p', {id: 'df-connection', class: 'df-connection', role: 'status', 'aria-live': 'polite', dataset: {state: 'ready'}}, 'Connected'),
      problem: h('div', {id: 'df-call-problem', class: 'df-call-problem', role: 'alert'}),
      incoming: h('section', {id: 'df-incoming', class: 'df-incoming', 'aria-live': 'assertive', 'aria-label': 'Incoming call', hidden: true}),
      current: h('section', {id: 'df-current', class: 'df-current', 'aria-labelledby': 'df-peer', hidden: true}),
      remoteAudio: h('audio', {id: 'df-remote-audio', autoplay: true}),
      tiles: video ? h('div', {class: 'df-tiles'},
        h('figure', {class: 'df-tile'}, h('video', {id: 'df-remote-video', autoplay: true, playsinline: true, 'aria-label': 'The other side\u2019s video'}),
          h('figcaption', {id: 'df-remote-caption'}, 'Them')),
        h('figure', {class: 'df-tile df-tile-local'}, h('video', {id: 'df-local-video', autoplay: true, playsinline: true, muted: true, 'aria-label': 'Your video'}),
          h('figcaption', {}, 'You'))) : null,
      mic, speaker, camera, dialForm, devices,
    };
    app.replaceChildren(h('div', {class: `df-call-shell df-call-${widget}`},
      h('header', {class: 'df-header'}, h('h1', {class: 'df-heading'}, video ? 'Video' : 'Voice',
        state.me ? h('span', {class: 'df-me'}, ` · ${state.me.displayName || state.me.id}`) : null), els.connection),
      els.problem, els.incoming, els.tiles, els.current, els.remoteAudio, dialForm, devices));
    if (video) {
      const lv = document.getElementById('df-local-video');
      lv.muted = true;
    }
    render();
  }

  function setConnection(text, s) {
    if (!els.connection) return;
    els.connection.textContent = text;
    els.connection.dataset.state = s;
  }

  function showProblem(p) {
    state.problem = p;
    if (!els.problem) return;
    els.problem.replaceChildren();
    if (!p) return;
    els.problem.append(h('div', {class: 'df-error', dataset: {code: p.code || ''}},
      h('p', {class: 'df-error-message'}, p.message || 'The call failed.'),
      p.hint ? h('p', {class: 'df-error-hint'}, h('strong', {}, 'Fix: '), p.hint) : null,
      h('p', {class: 'df-error-code'}, 'Error code: ', h('code', {}, p.code || 'unknown')),
      h('button', {type: 'button', class: 'df-dismiss', onclick: () => showProblem(null)}, 'Dismiss')));
  }

  function render() {
    if (!state.shell) return;
    const me = state.me;
    const ringing = engine.active().filter(r => r.call.state === 'ringing' && roleOf(r.call, me) === 'callee' && !r.local);
    els.incoming.hidden = !ringing.length;
    els.incoming.replaceChildren(...ringing.map(r => h('div', {class: 'df-incoming-call', dataset: {call: r.id}},
      h('p', {}, h('strong', {}, `${nameOf(peerOf(r.call, me))}`), ` is calling (${r.call.media === 'video' ? 'video' : 'voice'})…`),
      h('button', {type: 'button', class: 'df-accept', onclick: () => { showProblem(null); engine.accept(r.id).catch(showProblem); }}, 'Accept'),
      h('button', {type: 'button', class: 'df-decline', onclick: () => engine.decline(r.id).catch(showProblem)}, 'Decline'))));

    const rec = current();
    els.current.hidden = !rec;
    if (els.tiles) els.tiles.hidden = !rec || rec.call.state === 'ended';
    if (!rec) { attachStreams(null); return; }
    const c = rec.call;
    const mine = c.state === 'ended' ? {} : engine.mine(c);
    const peer = peerOf(c, me);
    const held = c.state === 'held';
    const stateText = c.state === 'ringing' ? (roleOf(c, me) === 'caller' ? 'Ringing…' : 'Incoming call')
      : held ? 'On hold' : c.state === 'connected' ? (rec.pc && rec.pc.iceConnectionState === 'checking' ? 'Connecting media…' : 'Connected')
        : endText(c, me);
    const live = c.state !== 'ended';
    els.current.dataset.call = c.id;
    els.current.dataset.state = c.state;
    els.current.replaceChildren(
      h('h2', {id: 'df-peer', class: 'df-peer'}, nameOf(peer)),
      h('p', {id: 'df-call-state', class: 'df-call-state', role: 'status', 'aria-live': 'polite'}, stateText,
        peer && peer.muted ? ' · they are muted' : ''),
      h('p', {class: 'df-timer'}, h('span', {class: 'df-visually-hidden'}, 'Call time '),
        h('span', {id: 'df-timer', role: 'timer', 'aria-live': 'off'}, durationText(elapsedSeconds(c)))),
      h('div', {class: 'df-meters'},
        h('label', {for: 'df-level-mic'}, 'Your microphone'),
        h('meter', {id: 'df-level-mic', min: 0, max: 1, value: 0}),
        h('label', {for: 'df-level-remote'}, 'Their audio'),
        h('meter', {id: 'df-level-remote', min: 0, max: 1, value: 0})),
      live ? h('div', {class: 'df-call-controls', role: 'group', 'aria-label': 'Call controls'},
        c.state !== 'ringing' ? [
          // Toggle buttons keep their name; aria-pressed says whether the toggle is on.
          h('button', {type: 'button', id: 'df-mute', 'aria-pressed': String(!!mine.muted),
            onclick: () => engine.mute(c.id, !mine.muted).catch(showProblem)}, 'Mute'),
          h('button', {type: 'button', id: 'df-hold', 'aria-pressed': String(held),
            onclick: () => engine.hold(c.id, !held).catch(showProblem)}, 'Hold'),
          video ? h('button', {type: 'button', id: 'df-camera-toggle', 'aria-pressed': String(!!rec.cameraOff),
            onclick: () => engine.camera(c.id, rec.cameraOff)}, 'Camera off') : null] : null,
        h('button', {type: 'button', id: 'df-hangup', class: 'df-hangup',
          onclick: () => engine.hangup(c.id).catch(showProblem)}, c.state === 'ringing' && roleOf(c, me) === 'caller' ? 'Cancel' : 'Hang up'))
        : h('button', {type: 'button', id: 'df-clear', onclick: () => { state.selected = null; render(); }}, 'Close'));
    const p = endProblem(c, me, {turn: engine.turn ?? null}) || rec.problem;
    if (c.state === 'ended' && p && (!state.problem || state.problem.code !== p.code)) showProblem(p);
    attachStreams(live ? rec : null);
  }

  function current() {
    const active = engine.active().filter(r => r.local || roleOf(r.call, state.me) === 'caller');
    if (active.length) return active[0];
    const sel = state.selected && engine.calls.get(state.selected);
    return sel && sel.call ? sel : null;
  }

  let attached = {remote: null, local: null};
  function attachStreams(rec) {
    const remote = rec ? rec.remoteStream : null;
    const local = rec ? rec.stream : null;
    if (attached.remote !== remote) {
      els.remoteAudio.srcObject = remote;
      if (video) document.getElementById('df-remote-video').srcObject = remote;
      if (remote) els.remoteAudio.play().catch(() => {});
      attached.remote = remote;
      meter('remote', remote);
    }
    if (attached.local !== local) {
      if (video) document.getElementById('df-local-video').srcObject = local;
      attached.local = local;
      meter('mic', local);
    }
  }

  // ---- level meters, timer, devices --------------------------------------------------------------------------

  const analysers = {};
  let audioContext = null;
  function meter(which, stream) {
    if (analysers[which]) { try { analysers[which].source.disconnect(); } catch { /* gone */ } delete analysers[which]; }
    if (!stream || !stream.getAudioTracks().length) return;
    try {
      audioContext = audioContext || new AudioContext();
      const source = audioContext.createMediaStreamSource(stream);
      const analyser = audioContext.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser);
      analysers[which] = {source, analyser, data: new Uint8Array(analyser.fftSize)};
    } catch (e) {
      bridge.log('level meter unavailable', {reason: e.message});
    }
  }

  setInterval(() => {
    if (!state.shell) return;
    const rec = current();
    const timer = document.getElementById('df-timer');
    if (rec && timer && rec.call.state !== 'ended') timer.textContent = durationText(elapsedSeconds(rec.call));
    for (const [which, a] of Object.entries(analysers)) {
      a.analyser.getByteTimeDomainData(a.data);
      const el = document.getElementById(`df-level-${which}`);
      if (el) el.value = audioLevel(a.data);
    }
  }, 250);

  async function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    const fill = (select, kind, label) => {
      if (!select) return;
      const chosen = engine.devices[kind] || select.value;
      select.replaceChildren(h('option', {value: ''}, 'Default'),
        ...all.filter(d => d.kind === kind).map((d, i) => h('option', {value: d.deviceId, selected: d.deviceId === chosen}, d.label || `${label} ${i + 1}`)));
    };
    fill(els.mic, 'audioinput', 'Microphone');
    fill(els.speaker, 'audiooutput', 'Speaker');
    fill(els.camera, 'videoinput', 'Camera');
  }

  async function setSpeaker(id) {
    engine.devices.audiooutput = id || null;
    const targets = [els.remoteAudio, video ? document.getElementById('df-remote-video') : null].filter(Boolean);
    for (const el of targets) {
      if (typeof el.setSinkId === 'function') await el.setSinkId(id || '').catch(e => showProblem(problem('media.device_not_found',
        {device: 'speaker', reason: `${e.name}: ${e.message}`})));
    }
  }

  return {engine, gateway, bridge};
}
