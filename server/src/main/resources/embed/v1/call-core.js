// The pure logic of calls in the browser, with no DOM and no RTCPeerConnection: the local view of calls from the
// server's `call` frames, the stats digest from RTCPeerConnection.getStats() output, what getUserMedia's errors mean in
// the catalogue, what an ended call says, and when to restart ICE. Unit-tested with `node --test` (server/src/test/js).
import {problem} from './codes.js';

export const CALL_STATES = Object.freeze(['ringing', 'connected', 'held', 'ended']);

/** The widget that carries calls of `media` for an agent: audio calls in 'voice', video calls in 'video'. */
export function widgetFor(media) {
  return media === 'video' ? 'video' : 'voice';
}

/** 'caller' | 'callee' | null: which side of `call` the principal `me` ({kind, id}) is. */
export function roleOf(call, me) {
  if (!call || !me) return null;
  const is = p => p && p.kind === me.kind && p.id === me.id;
  if (is(call.caller)) return 'caller';
  if (is(call.callee)) return 'callee';
  // A customer's call waits with no callee; the customer is always its caller then, an agent its callee.
  return me.kind === 'customer' ? 'caller' : (call.callee ? null : 'callee');
}

/** The other side of the call ({kind, id, displayName?, muted, attached}), or null while nobody was found yet. */
export function peerOf(call, me) {
  const role = roleOf(call, me);
  if (role === 'caller') return call.callee || null;
  if (role === 'callee') return call.caller || null;
  return null;
}

/** A person's name for the UI: displayName, else the id ('Customer' for a customer without a name). */
export function nameOf(p) {
  if (!p) return 'Waiting for an agent';
  return p.displayName || (p.kind === 'customer' ? 'Customer' : p.id);
}

/**
 * What changed between the call as it was (`before`, may be undefined) and as the server now says (`after`), as the
 * events an embedding page gets: callIncoming (a ringing call this side must answer), callConnected (answered, or
 * resumed from hold), callHeld ({on}), callEnded. Mute changes are no event of their own (the call carries them).
 */
export function callEvents(before, after, me) {
  const events = [];
  const was = before ? before.state : null;
  const now = after.state;
  if (was === now) return events;
  if (now === 'ringing' && !was && roleOf(after, me) === 'callee') events.push({name: 'callIncoming'});
  if (now === 'connected' && was !== 'held') events.push({name: 'callConnected'});
  if (now === 'held') events.push({name: 'callHeld', on: true});
  if (now === 'connected' && was === 'held') events.push({name: 'callHeld', on: false});
  if (now === 'ended') events.push({name: 'callEnded', reason: after.endReason || 'hangup', code: after.endCode || null});
  return events;
}

/**
 * The problem an ended call stands for (its endCode rendered from the catalogue's templates with what the call
 * tells: callee, call, participant), or null for an ordinary hang-up. {@code turn}: whether the ICE servers this side
 * got held a TURN server (false: an ICE failure says to run one; true or unknown: to check the one there is).
 */
export function endProblem(call, me, {turn = null} = {}) {
  if (!call || call.state !== 'ended' || !call.endCode) return null;
  // Closing the conversation ends its call: an ordinary end, not a failure (its code is about messages).
  if (call.endReason === 'conversation_closed') return null;
  const callee = call.callee ? nameOf(call.callee) : 'The agent';
  const gone = call.endedBy && call.endedBy.kind !== 'system' ? call.endedBy : peerOf(call, me);
  const details = {call: call.id, callee, participant: nameOf(gone), seconds: call.timeoutSeconds ?? call.seconds ?? '30',
    device: call.media === 'video' ? 'microphone or camera' : 'microphone', reason: call.endReason || 'ended'};
  try {
    const variant = call.endCode === 'call.ice_failed' && turn === false ? 'call_ice_failed_no_turn' : null;
    return problem(call.endCode, details, variant);
  } catch {
    return {code: call.endCode, message: `The call ended (${call.endCode}).`, hint: 'See docs/errors.md for this code.'};
  }
}

/** Words for how the call ended, for the UI's status line. */
export function endText(call, me) {
  const p = endProblem(call, me);
  if (p) return p.message;
  if (call.endReason === 'conversation_closed') return 'The conversation was closed, and its call with it.';
  const by = call.endedBy;
  if (by && me && by.kind === me.kind && by.id === me.id) return 'You hung up.';
  return `${nameOf(peerOf(call, me))} hung up.`;
}

const DENIED = new Set(['NotAllowedError', 'SecurityError', 'PermissionDeniedError']);
const NO_DEVICE = new Set(['NotFoundError', 'DevicesNotFoundError', 'NotReadableError', 'TrackStartError',
  'OverconstrainedError', 'ConstraintNotSatisfiedError', 'AbortError']);

/**
 * The catalogue problem for what getUserMedia threw: media.permission_denied (the user or the page's permissions
 * policy refused) or media.device_not_found (nothing to open, or it could not be opened). Anything else counts as
 * no device, naming the error.
 */
export function mediaProblem(error, media = 'audio') {
  const name = (error && error.name) || 'Error';
  const reason = clipReason(`${name}${error && error.message ? ': ' + error.message : ''}`);
  const device = media === 'video' ? 'microphone and camera' : 'microphone';
  if (DENIED.has(name)) return problem('media.permission_denied', {device, reason});
  // NO_DEVICE names the usual ones; anything else (a driver error) also leaves the call without its device.
  return problem('media.device_not_found', {device, reason: NO_DEVICE.has(name) ? reason : `unexpected ${reason}`});
}

function clipReason(s) {
  const t = String(s).replace(/\s+/g, ' ').replace(/[.\s]+$/, '');
  return t.length > 160 ? t.slice(0, 157) + '…' : t;
}

/** getStats() output (an RTCStatsReport, a Map, or an array of stats objects) as an array of stats objects. */
function entries(report) {
  if (!report) return [];
  if (Array.isArray(report)) return report;
  if (typeof report.values === 'function') return [...report.values()];
  return Object.values(report);
}

/**
 * The callStats digest of one getStats() report: {audio: {bytesReceived, packetsReceived, packetsLost, jitter},
 * video?: {bytesReceived, framesDecoded}, roundTripTime, candidateType, relayed}. candidateType is the type of this
 * side's candidate on the selected pair ('host', 'srflx', 'prflx', 'relay'), null before a pair is selected; relayed
 * is true when either end of that pair is a TURN relay.
 */
export function statsDigest(report, {video = false} = {}) {
  const all = entries(report);
  const byId = new Map(all.map(s => [s.id, s]));
  const inbound = kind => all.filter(s => s.type === 'inbound-rtp' && (s.kind || s.mediaType) === kind);
  const sum = (list, key) => list.reduce((n, s) => n + (typeof s[key] === 'number' ? s[key] : 0), 0);
  const audioIn = inbound('audio');
  const digest = {
    audio: {
      bytesReceived: sum(audioIn, 'bytesReceived'),
      packetsReceived: sum(audioIn, 'packetsReceived'),
      packetsLost: sum(audioIn, 'packetsLost'),
      jitter: audioIn.length ? Math.max(...audioIn.map(s => s.jitter || 0)) : 0,
    },
  };
  const videoIn = inbound('video');
  if (video || videoIn.length) {
    digest.video = {bytesReceived: sum(videoIn, 'bytesReceived'), framesDecoded: sum(videoIn, 'framesDecoded')};
  }
  const pair = selectedPair(all, byId);
  const local = pair && byId.get(pair.localCandidateId);
  const remote = pair && byId.get(pair.remoteCandidateId);
  digest.roundTripTime = pair && typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : null;
  digest.candidateType = local ? local.candidateType || null : null;
  digest.relayed = !!((local && local.candidateType === 'relay') || (remote && remote.candidateType === 'relay'));
  return digest;
}

/** The candidate pair in use: the transport's selectedCandidatePairId, else a selected or nominated succeeded pair. */
function selectedPair(all, byId) {
  for (const t of all.filter(s => s.type === 'transport')) {
    if (t.selectedCandidatePairId && byId.has(t.selectedCandidatePairId)) return byId.get(t.selectedCandidatePairId);
  }
  const pairs = all.filter(s => s.type === 'candidate-pair');
  return pairs.find(p => p.selected) || pairs.find(p => p.nominated && p.state === 'succeeded') || null;
}

/** The call_report `quality` of a digest: the flat shape docs/protocol.md gives. */
export function reportQuality(digest) {
  const q = {...digest.audio, roundTripTime: digest.roundTripTime, candidateType: digest.candidateType,
    relayed: digest.relayed};
  if (digest.video) q.framesDecoded = digest.video.framesDecoded;
  return q;
}

/**
 * What to do when the ICE connection state changes: 'restart' (send an ICE-restart offer; only the side that made
 * the offer does, so both never offer at once), 'fail' (restarts used up: hang up with call.ice_failed), 'recovered'
 * or 'wait'. A 'disconnected' state often heals by itself, so it waits `graceMs` before counting as failed.
 */
export function iceAction(state, {restarts = 0, maxRestarts = 2, offerer = true, disconnectedForMs = 0, graceMs = 3000} = {}) {
  if (state === 'connected' || state === 'completed') return 'recovered';
  const failed = state === 'failed' || (state === 'disconnected' && disconnectedForMs >= graceMs);
  if (!failed) return 'wait';
  if (restarts >= maxRestarts) return 'fail';
  return offerer ? 'restart' : 'wait';
}

/**
 * Whether a local ICE candidate goes to the other side: every one, unless `addresses` restricts them (a test on
 * loopback forwards only 127.0.0.1). Relay candidates are addressed by the TURN server and always pass; the empty
 * end-of-candidates marker passes.
 */
export function forwardCandidate(candidate, addresses) {
  if (!candidate || !candidate.candidate) return true;
  if (!Array.isArray(addresses) || !addresses.length) return true;
  const parts = candidate.candidate.split(/\s+/);
  const address = parts[4];
  const type = parts[parts.indexOf('typ') + 1];
  return type === 'relay' || addresses.includes(address);
}

/** "1:05" / "1:02:03" for a call's running time in seconds. */
export function durationText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Seconds a call has been answered at `now`, from its answeredAt (0 before). */
export function elapsedSeconds(call, now = Date.now()) {
  const at = call && call.answeredAt ? Date.parse(call.answeredAt) : NaN;
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
}

/** An audio level 0..1 from time-domain samples (AnalyserNode.getByteTimeDomainData: 128 is silence). */
export function audioLevel(samples) {
  if (!samples || !samples.length) return 0;
  let sum = 0;
  for (const v of samples) {
    const x = (v - 128) / 128;
    sum += x * x;
  }
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}

/** The characters of a dial pad, and what a dial form accepts as an agent to call (an id or username). */
export const DIAL_KEYS = Object.freeze(['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']);

export function dialTarget(text) {
  const t = String(text ?? '').trim();
  if (!t) return null;
  return /^[A-Za-z0-9._@-]{1,100}$/.test(t) ? t : null;
}

/** Options for calls (EmbeddingClient's and the messenger's `calls` option), checked: {iceTransportPolicy, candidateAddresses}. */
export function callOptions(o = {}) {
  const out = {iceTransportPolicy: 'all', candidateAddresses: null};
  if (!o || typeof o !== 'object') return out;
  if (o.iceTransportPolicy !== undefined) {
    if (o.iceTransportPolicy !== 'all' && o.iceTransportPolicy !== 'relay') {
      throw new TypeError("calls.iceTransportPolicy must be 'all' or 'relay'");
    }
    out.iceTransportPolicy = o.iceTransportPolicy;
  }
  if (Array.isArray(o.candidateAddresses)) out.candidateAddresses = o.candidateAddresses.map(String);
  return out;
}
