// The call engine the voice, video and messenger widgets share: one RTCPeerConnection per call over the widget's own
// gateway session (docs/protocol.md, call_*). The caller offers once the call is connected, candidates trickle through
// call_signal, the offerer restarts ICE when the path breaks and hangs up with call.ice_failed when restarts do not
// help, and after the gateway session comes back call_attach takes the call over on the new session while media keeps
// flowing on the peer connection, which never depended on the socket.
import {callEvents, callOptions, forwardCandidate, iceAction, mediaProblem, reportQuality, roleOf, statsDigest}
  from '../call-core.js';
import {Op} from '../ops.js';

const REPORT_EVERY_MS = 30000;
const RESTART_CHECK_MS = 8000;
const ANSWERER_GIVE_UP_MS = 20000;
const DISCONNECTED_GRACE_MS = 3000;

export class CallEngine {
  /**
   * @param {object} o
   * @param {GatewaySession} o.gateway   the widget's session (commands, notifications, its token)
   * @param {Function} o.me              () => this side's principal {kind, id}
   * @param {Function} o.log             (step, fields) debug log
   * @param {Function} o.onChange        (record) whenever a call, its streams or its media state change
   * @param {Function} o.onEvent         (name, detail) callIncoming | callConnected | callHeld | callEnded
   * @param {object} [o.options]         {iceTransportPolicy, candidateAddresses} (call-core.js callOptions)
   * @param {Function} [o.getUserMedia]  for tests; navigator.mediaDevices.getUserMedia by default
   */
  constructor(o) {
    Object.assign(this, o);
    this.options = callOptions(o.options);
    this.calls = new Map();       // call id -> record (see record())
    this.devices = {audioinput: null, videoinput: null, audiooutput: null};
    this.iceCache = null;
  }

  setOptions(options) {
    this.options = callOptions(options);
  }

  record(id) {
    if (!this.calls.has(id)) {
      this.calls.set(id, {id, call: null, local: false, pc: null, stream: null, remoteStream: null, lastSeq: 0,
        signals: [], candidates: [], outbox: [], chain: Promise.resolve(), restarts: 0, offered: false,
        stats: null, timers: {}, cameraOff: false, problem: null});
    }
    return this.calls.get(id);
  }

  /** The calls not ended, newest first. */
  active() {
    return [...this.calls.values()].filter(r => r.call && r.call.state !== 'ended').reverse();
  }

  // ---- commands -----------------------------------------------------------------------------------------------

  /** Calls an agent ({agent}) or a conversation's other side ({conversation}); resolves with the ringing call. */
  async invite(target, media = 'audio') {
    const stream = await this.openMedia(media);
    let reply;
    try {
      reply = await this.gateway.command({op: Op.CALL_INVITE, agent: target.agent, conversation: target.conversation, media});
    } catch (e) {
      stream.getTracks().forEach(t => t.stop());
      throw e;
    }
    const rec = this.record(reply.call.id);
    rec.local = true;
    rec.stream = stream;
    await this.createPeer(rec);
    this.apply(reply.call);
    return reply.call;
  }

  /** Answers a ringing call: opens the microphone (and camera), then call_accept; the caller's offer follows. */
  async accept(id) {
    const rec = this.record(id);
    const media = rec.call ? rec.call.media : 'audio';
    let stream;
    try {
      stream = await this.openMedia(media);
    } catch (p) {
      rec.problem = p;
      // The caller learns why: the call ends failed with the media code.
      this.gateway.command({op: Op.CALL_HANGUP, call: id, reason: p.code}).then(r => this.apply(r.call), () => {});
      throw p;
    }
    rec.local = true;
    rec.stream = stream;
    await this.createPeer(rec);
    try {
      const reply = await this.gateway.command({op: Op.CALL_ACCEPT, call: id});
      this.apply(reply.call);
      return reply.call;
    } catch (e) {
      this.teardown(rec);
      throw e;
    }
  }

  async decline(id) {
    return this.applyReply(await this.gateway.command({op: Op.CALL_DECLINE, call: id}));
  }

  async hangup(id, reason) {
    return this.applyReply(await this.gateway.command({op: Op.CALL_HANGUP, call: id, reason}));
  }

  async hold(id, on) {
    return this.applyReply(await this.gateway.command({op: Op.CALL_HOLD, call: id, on: !!on}));
  }

  async mute(id, on) {
    const rec = this.record(id);
    rec.mutedLocally = !!on;
    this.applyMedia(rec);
    return this.applyReply(await this.gateway.command({op: Op.CALL_MUTE, call: id, on: !!on}));
  }

  /** Turns this side's camera off or on (a video call); no server state, the other side sees no frames. */
  camera(id, on) {
    const rec = this.record(id);
    rec.cameraOff = !on;
    this.applyMedia(rec);
    this.onChange(rec);
  }

  /** This side's media digest (call-core.js statsDigest), live while the call runs, the last one after it ended. */
  async stats(id) {
    const rec = this.calls.get(id);
    if (!rec) return null;
    const video = !!(rec.call && rec.call.media === 'video');
    if (rec.pc && rec.pc.signalingState !== 'closed') rec.stats = statsDigest(await rec.pc.getStats(), {video});
    // A known call without media yet (ringing, being answered) has all-zero stats.
    return rec.stats || statsDigest([], {video});
  }

  applyReply(reply) {
    if (reply && reply.call) this.apply(reply.call);
    return reply && reply.call;
  }

  // ---- frames ---------------------------------------------------------------------------------------------------

  /** A gateway frame: true when it was a call frame (handled here). */
  onFrame(f) {
    if (f.op === Op.CALL && f.call) { this.apply(f.call); return true; }
    if (f.op === Op.CALL_SIGNAL) { this.signal(f); return true; }
    return false;
  }

  apply(view) {
    const rec = this.record(view.id);
    const before = rec.call;
    if (before && before.state === 'ended') return; // an ended call stays ended (a late reply changes nothing)
    rec.call = view;
    const events = callEvents(before, view, this.me());
    if (rec.local && rec.pc) {
      if (view.state === 'connected' && roleOf(view, this.me()) === 'caller' && !rec.offered) this.offer(rec);
      this.applyMedia(rec);
    }
    if (view.state === 'ended') this.finish(rec);
    this.onChange(rec);
    for (const e of events) {
      const {name, ...detail} = e;
      this.log(name, {call: view.id, state: view.state, ...detail});
      this.onEvent(name, {call: view, ...detail});
    }
  }

  signal(f) {
    const rec = this.record(f.call);
    if (typeof f.seq === 'number') {
      if (f.seq <= rec.lastSeq) return; // sent again after call_attach: already processed
      rec.lastSeq = f.seq;
    }
    if (!rec.pc) { rec.signals.push(f); return; }
    this.run(rec, () => this.handleSignal(rec, f));
  }

  async handleSignal(rec, f) {
    const pc = rec.pc;
    if (!pc || pc.signalingState === 'closed') return;
    if (f.sdp) {
      await pc.setRemoteDescription(f.sdp);
      for (const c of rec.candidates.splice(0)) await pc.addIceCandidate(c).catch(e => this.log('candidate refused', {reason: e.message}));
      if (f.sdp.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer());
        this.send(rec, {sdp: jsonOf(pc.localDescription)});
        this.log('answer sent', {call: rec.id, restart: !!f.restart});
      }
    } else if (f.candidate) {
      if (!f.candidate.candidate) return;
      if (pc.remoteDescription) await pc.addIceCandidate(f.candidate).catch(e => this.log('candidate refused', {reason: e.message}));
      else rec.candidates.push(f.candidate);
    }
  }

  /** Runs signalling steps of one call one after the other (SDP and candidates must not interleave). */
  run(rec, step) {
    rec.chain = rec.chain.then(step).catch(e => this.log('signalling step failed', {call: rec.id, reason: String(e && e.message || e)}));
    return rec.chain;
  }

  send(rec, body) {
    const frame = {op: Op.CALL_SIGNAL, call: rec.id, ...body};
    if (this.gateway.state === 'ready' && !rec.detached) this.gateway.notify(frame);
    else rec.outbox.push(frame);
  }

  // ---- peer connection -----------------------------------------------------------------------------------------

  async iceServers() {
    if (this.iceCache && this.iceCache.until > Date.now()) return this.iceCache.servers;
    try {
      const r = await fetch('/api/v2/calls/ice-servers', {headers: {Authorization: `Bearer ${this.gateway.token}`},
        cache: 'no-store', credentials: 'omit'});
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const body = await r.json();
      const servers = Array.isArray(body.iceServers) ? body.iceServers : [];
      this.iceCache = {servers, until: Date.now() + Math.max(60, (body.ttlSeconds || 600) / 2) * 1000};
      // Whether a relay was handed out at all: an ICE failure is worded for it (call-core.js endProblem).
      this.turn = !!body.turn;
      this.log('ice servers', {count: servers.length, turn: this.turn});
      return servers;
    } catch (e) {
      this.log('ice servers unavailable', {reason: String(e && e.message || e)});
      return [];
    }
  }

  async createPeer(rec) {
    const pc = new RTCPeerConnection({iceServers: await this.iceServers(), iceTransportPolicy: this.options.iceTransportPolicy});
    rec.pc = pc;
    rec.senders = [];
    for (const track of rec.stream.getTracks()) rec.senders.push({kind: track.kind, track, sender: pc.addTrack(track, rec.stream)});
    pc.onicecandidate = e => {
      if (!e.candidate || !e.candidate.candidate) return;
      if (!forwardCandidate(e.candidate, this.options.candidateAddresses)) return;
      this.send(rec, {candidate: e.candidate.toJSON()});
    };
    pc.ontrack = e => {
      rec.remoteStream = e.streams && e.streams[0] ? e.streams[0] : (rec.remoteStream || new MediaStream());
      if (!rec.remoteStream.getTracks().includes(e.track)) rec.remoteStream.addTrack(e.track);
      this.onChange(rec);
    };
    pc.oniceconnectionstatechange = () => this.onIce(rec);
    pc.onconnectionstatechange = () => this.onChange(rec);
    rec.timers.report = setInterval(() => this.report(rec), REPORT_EVERY_MS);
    for (const f of rec.signals.splice(0)) this.run(rec, () => this.handleSignal(rec, f));
  }

  offer(rec, {iceRestart = false} = {}) {
    rec.offered = true;
    return this.run(rec, async () => {
      const pc = rec.pc;
      if (!pc || pc.signalingState === 'closed') return;
      await pc.setLocalDescription(await pc.createOffer(iceRestart ? {iceRestart: true} : undefined));
      this.send(rec, iceRestart ? {sdp: jsonOf(pc.localDescription), restart: true} : {sdp: jsonOf(pc.localDescription)});
      this.log(iceRestart ? 'ice restart offer sent' : 'offer sent', {call: rec.id, restarts: rec.restarts});
    });
  }

  onIce(rec) {
    const pc = rec.pc;
    if (!pc || !rec.call || rec.call.state === 'ended') return;
    const state = pc.iceConnectionState;
    this.log('ice state', {call: rec.id, state});
    clearTimeout(rec.timers.ice);
    if (state === 'disconnected') {
      rec.disconnectedAt = rec.disconnectedAt || Date.now();
      rec.timers.ice = setTimeout(() => this.onIce(rec), DISCONNECTED_GRACE_MS + 50);
    } else if (state !== 'failed') {
      rec.disconnectedAt = null;
    }
    const offerer = roleOf(rec.call, this.me()) === 'caller';
    const action = iceAction(state, {restarts: rec.restarts, offerer, disconnectedForMs: rec.disconnectedAt ? Date.now() - rec.disconnectedAt : 0,
      graceMs: DISCONNECTED_GRACE_MS});
    if (action === 'recovered') {
      rec.disconnectedAt = null;
    } else if (action === 'restart') {
      rec.restarts++;
      this.offer(rec, {iceRestart: true});
      rec.timers.ice = setTimeout(() => this.onIce(rec), RESTART_CHECK_MS);
    } else if (action === 'fail') {
      this.log('ice failed', {call: rec.id, restarts: rec.restarts});
      this.hangup(rec.id, 'call.ice_failed').catch(() => {});
    } else if (!offerer && (state === 'failed' || state === 'disconnected')) {
      // The answering side waits for the offerer's restart, but not for ever.
      rec.timers.ice = setTimeout(() => {
        if (rec.pc && ['failed', 'disconnected'].includes(rec.pc.iceConnectionState)) {
          rec.restarts = Infinity;
          this.onIce(rec);
        }
      }, ANSWERER_GIVE_UP_MS);
    }
  }

  /** Hold stops this side's media (no track on the senders), resume puts it back; mute and camera disable tracks. */
  applyMedia(rec) {
    if (!rec.senders) return;
    const call = rec.call;
    const held = call && call.state === 'held';
    for (const s of rec.senders) {
      const want = held ? null : s.track;
      if (s.sender.track !== want) s.sender.replaceTrack(want).catch(e => this.log('replaceTrack failed', {reason: e.message}));
      if (s.kind === 'audio') s.track.enabled = !held && !rec.mutedLocally && !(call && this.mine(call).muted);
      if (s.kind === 'video') s.track.enabled = !held && !rec.cameraOff;
    }
  }

  /** This side's participant entry of the call. */
  mine(call) {
    return (roleOf(call, this.me()) === 'caller' ? call.caller : call.callee) || {};
  }

  async report(rec) {
    if (!rec.pc || !rec.call) return;
    try {
      const digest = await this.stats(rec.id);
      if (digest) await this.gateway.command({op: Op.CALL_REPORT, call: rec.id, quality: reportQuality(digest)});
    } catch (e) {
      this.log('call_report not sent', {call: rec.id, reason: String(e && (e.code || e.message) || e)});
    }
  }

  async finish(rec) {
    if (rec.finishing) return;
    rec.finishing = true;
    if (rec.pc) {
      clearInterval(rec.timers.report);
      await this.report(rec);
    }
    this.teardown(rec);
    this.onChange(rec);
  }

  teardown(rec) {
    clearInterval(rec.timers.report);
    clearTimeout(rec.timers.ice);
    if (rec.pc) rec.pc.close();
    rec.pc = null;
    if (rec.stream) rec.stream.getTracks().forEach(t => t.stop());
  }

  // ---- the gateway session came back -----------------------------------------------------------------------------

  /**
   * The page goes away (closed, reloaded): its peer connections go with it, so its calls end now rather than when the
   * platform's re-attach timeout passes.
   */
  leave() {
    for (const rec of this.calls.values()) {
      if (rec.local && rec.call && rec.call.state !== 'ended') this.gateway.notify({op: Op.CALL_HANGUP, call: rec.id});
    }
  }

  /** The gateway session dropped: signalling waits (in each call's outbox) until call_attach on the next one. */
  detach() {
    for (const rec of this.calls.values()) if (rec.local && rec.pc) rec.detached = true;
  }

  /** After a reconnect: call_attach for every call this side carries, then whatever signalling waited. */
  async reattach() {
    for (const rec of this.calls.values()) {
      if (!rec.local || !rec.pc || !rec.call || rec.call.state === 'ended') continue;
      try {
        const reply = await this.gateway.command({op: Op.CALL_ATTACH, call: rec.id, after: rec.lastSeq});
        this.log('call attached', {call: rec.id, after: rec.lastSeq});
        rec.detached = false;
        for (const f of rec.outbox.splice(0)) this.gateway.notify(f);
        this.apply(reply.call);
      } catch (e) {
        this.log('call_attach refused', {call: rec.id, code: e.code});
        rec.detached = false;
        if (e.code === 'call.not_found' || e.code === 'call.state_invalid') {
          this.apply({...rec.call, state: 'ended', endReason: rec.call.endReason || 'peer_gone', endCode: e.code === 'call.not_found' ? null : rec.call.endCode});
        }
      }
    }
  }

  // ---- devices ---------------------------------------------------------------------------------------------------

  constraints(media) {
    const audio = this.devices.audioinput ? {deviceId: {exact: this.devices.audioinput}} : true;
    if (media !== 'video') return {audio, video: false};
    return {audio, video: this.devices.videoinput ? {deviceId: {exact: this.devices.videoinput}} : true};
  }

  /** The microphone (and camera) for a call; rejects with a media.* problem. */
  async openMedia(media) {
    const gum = this.getUserMedia || (c => navigator.mediaDevices.getUserMedia(c));
    try {
      if (!navigator.mediaDevices && !this.getUserMedia) throw Object.assign(new Error('navigator.mediaDevices is missing (not a secure context?)'), {name: 'SecurityError'});
      return await gum(this.constraints(media));
    } catch (e) {
      const p = mediaProblem(e, media);
      this.log('getUserMedia failed', {code: p.code, reason: p.reason});
      throw p;
    }
  }

  /** Switches the microphone or camera (kind 'audioinput' | 'videoinput') of every running call to deviceId. */
  async useDevice(kind, deviceId) {
    this.devices[kind] = deviceId || null;
    if (kind === 'audiooutput') return;
    const trackKind = kind === 'audioinput' ? 'audio' : 'video';
    for (const rec of this.calls.values()) {
      if (!rec.pc || !rec.senders) continue;
      const entry = rec.senders.find(s => s.kind === trackKind);
      if (!entry) continue;
      const c = trackKind === 'audio' ? {audio: deviceId ? {deviceId: {exact: deviceId}} : true}
        : {video: deviceId ? {deviceId: {exact: deviceId}} : true};
      const fresh = (await this.openMediaRaw(c)).getTracks().find(t => t.kind === trackKind);
      rec.stream.removeTrack(entry.track);
      entry.track.stop();
      rec.stream.addTrack(fresh);
      entry.track = fresh;
      this.applyMedia(rec);
      if (rec.call.state !== 'held') await entry.sender.replaceTrack(fresh);
      this.onChange(rec);
    }
  }

  async openMediaRaw(c) {
    const gum = this.getUserMedia || (x => navigator.mediaDevices.getUserMedia(x));
    return gum(c);
  }
}

function jsonOf(desc) {
  return desc && typeof desc.toJSON === 'function' ? desc.toJSON() : {type: desc.type, sdp: desc.sdp};
}
