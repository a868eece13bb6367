// The calls logic the widgets share (embed/v1/call-core.js): the stats digest from real getStats() shapes, the
// catalogue problems of getUserMedia failures and ended calls, the events a call change makes, ICE restart decisions.
import test from 'node:test';
import assert from 'node:assert/strict';
import {audioLevel, callEvents, callOptions, dialTarget, durationText, elapsedSeconds, endProblem, endText,
  forwardCandidate, iceAction, mediaProblem, peerOf, reportQuality, roleOf, statsDigest, widgetFor}
  from '../../main/resources/embed/v1/call-core.js';

const agent1 = {kind: 'agent', id: 'agent1', displayName: 'Agent One', muted: false, attached: true};
const agent2 = {kind: 'agent', id: 'agent2', displayName: 'Agent Two', muted: false, attached: true};
const call = (state, extra = {}) => ({id: 'call_Q2b9', state, media: 'audio', caller: agent1, callee: agent2,
  createdAt: '2026-12-02T08:00:00Z', ...extra});

// As Chromium 156 reports it (trimmed): a Map keyed by id.
function chromiumReport({relay = false, video = false} = {}) {
  const r = new Map();
  const add = s => r.set(s.id, s);
  add({id: 'IT01A', type: 'inbound-rtp', kind: 'audio', bytesReceived: 48211, packetsReceived: 512, packetsLost: 3, jitter: 0.002});
  if (video) add({id: 'IT01V', type: 'inbound-rtp', kind: 'video', bytesReceived: 900000, framesDecoded: 240, packetsReceived: 800});
  add({id: 'OT01A', type: 'outbound-rtp', kind: 'audio', bytesSent: 50000});
  add({id: 'CPa_b', type: 'candidate-pair', localCandidateId: 'Ia', remoteCandidateId: 'Ib', state: 'succeeded',
    nominated: true, currentRoundTripTime: 0.001});
  add({id: 'CPc_d', type: 'candidate-pair', localCandidateId: 'Ic', remoteCandidateId: 'Id', state: 'failed'});
  add({id: 'Ia', type: 'local-candidate', candidateType: relay ? 'relay' : 'host', address: '127.0.0.1'});
  add({id: 'Ib', type: 'remote-candidate', candidateType: 'host', address: '127.0.0.1'});
  add({id: 'Ic', type: 'local-candidate', candidateType: 'srflx'});
  add({id: 'Id', type: 'remote-candidate', candidateType: 'srflx'});
  add({id: 'T01', type: 'transport', selectedCandidatePairId: 'CPa_b', iceState: 'connected'});
  return r;
}

test('the digest reads inbound audio, the selected pair and its local candidate type', () => {
  const d = statsDigest(chromiumReport());
  assert.deepEqual(d, {audio: {bytesReceived: 48211, packetsReceived: 512, packetsLost: 3, jitter: 0.002},
    roundTripTime: 0.001, candidateType: 'host', relayed: false});
});

test('the digest of a relayed video call has video frames and candidateType relay', () => {
  const d = statsDigest(chromiumReport({relay: true, video: true}), {video: true});
  assert.deepEqual(d.video, {bytesReceived: 900000, framesDecoded: 240});
  assert.equal(d.candidateType, 'relay');
  assert.equal(d.relayed, true);
});

test('without a transport entry the nominated succeeded pair is the selected one; arrays work too', () => {
  const list = [...chromiumReport().values()].filter(s => s.type !== 'transport');
  assert.equal(statsDigest(list).candidateType, 'host');
});

test('an empty report is all zeros with no candidate', () => {
  assert.deepEqual(statsDigest(new Map(), {video: true}), {audio: {bytesReceived: 0, packetsReceived: 0, packetsLost: 0, jitter: 0},
    video: {bytesReceived: 0, framesDecoded: 0}, roundTripTime: null, candidateType: null, relayed: false});
});

test('the report quality is the flat shape of call_report', () => {
  const q = reportQuality(statsDigest(chromiumReport({relay: true, video: true})));
  assert.deepEqual(q, {bytesReceived: 48211, packetsReceived: 512, packetsLost: 3, jitter: 0.002, roundTripTime: 0.001,
    candidateType: 'relay', relayed: true, framesDecoded: 240});
});

test('getUserMedia refusals are media.permission_denied, missing or busy devices media.device_not_found', () => {
  const denied = mediaProblem({name: 'NotAllowedError', message: 'Permission denied'}, 'audio');
  assert.equal(denied.code, 'media.permission_denied');
  assert.equal(denied.message, 'The browser did not allow the microphone (NotAllowedError: Permission denied).');
  assert.match(denied.hint, /allow="microphone; camera"/);
  assert.equal(denied.closeCode, 4385);
  assert.equal(mediaProblem({name: 'SecurityError'}).code, 'media.permission_denied');
  const none = mediaProblem({name: 'NotFoundError', message: 'Requested device not found'}, 'video');
  assert.equal(none.code, 'media.device_not_found');
  assert.equal(none.message, 'No microphone and camera was found or it could not be opened (NotFoundError: Requested device not found).');
  assert.equal(mediaProblem({name: 'NotReadableError'}).code, 'media.device_not_found');
  assert.match(mediaProblem(new TypeError('boom')).message, /unexpected TypeError: boom/);
});

test('an ended call names its cause from the catalogue; a hang-up has none', () => {
  const declined = call('ended', {endReason: 'declined', endCode: 'call.declined', endedBy: {kind: 'agent', id: 'agent2'}});
  assert.equal(endProblem(declined, agent1).message, 'Agent Two declined call call_Q2b9.');
  assert.equal(endText(declined, agent1), 'Agent Two declined call call_Q2b9.');
  const ice = call('ended', {endReason: 'failed', endCode: 'call.ice_failed'});
  assert.match(endProblem(ice, agent1).hint, /TURN servers this deployment hands out/);
  // Without a TURN server among its ICE servers the same failure says to run one.
  const noTurn = endProblem(ice, agent1, {turn: false});
  assert.equal(noTurn.code, 'call.ice_failed');
  assert.match(noTurn.message, /hands out no TURN server/);
  assert.match(noTurn.hint, /run a TURN server \(coturn\)/);
  const hung = call('ended', {endReason: 'hangup', endedBy: {kind: 'agent', id: 'agent2'}});
  assert.equal(endProblem(hung, agent1), null);
  assert.equal(endText(hung, agent1), 'Agent Two hung up.');
  assert.equal(endText(hung, agent2), 'You hung up.');
  assert.equal(endProblem(call('ended', {endCode: 'call.brand_new'}), agent1).code, 'call.brand_new');
  const closed = call('ended', {endReason: 'conversation_closed', endCode: 'conversation.closed', endedBy: {kind: 'system', id: 'deskframe'}});
  assert.equal(endProblem(closed, agent1), null);
  assert.equal(endText(closed, agent1), 'The conversation was closed, and its call with it.');
});

test('roles and the other side, also for a customer call that waits for an agent', () => {
  assert.equal(roleOf(call('ringing'), agent1), 'caller');
  assert.equal(roleOf(call('ringing'), agent2), 'callee');
  assert.equal(peerOf(call('ringing'), agent2).id, 'agent1');
  const customer = {kind: 'customer', id: 'g_1'};
  const waiting = {id: 'call_c', state: 'ringing', media: 'audio', caller: customer, queue: 'demo-support'};
  assert.equal(roleOf(waiting, customer), 'caller');
  assert.equal(peerOf(waiting, customer), null);
  assert.equal(roleOf(waiting, agent1), 'callee');
  assert.equal(widgetFor('video'), 'video');
  assert.equal(widgetFor('audio'), 'voice');
});

test('call changes become the embedding events', () => {
  assert.deepEqual(callEvents(undefined, call('ringing'), agent2), [{name: 'callIncoming'}]);
  assert.deepEqual(callEvents(undefined, call('ringing'), agent1), []);
  assert.deepEqual(callEvents(call('ringing'), call('connected'), agent1), [{name: 'callConnected'}]);
  assert.deepEqual(callEvents(call('connected'), call('held'), agent1), [{name: 'callHeld', on: true}]);
  assert.deepEqual(callEvents(call('held'), call('connected'), agent1), [{name: 'callHeld', on: false}]);
  assert.deepEqual(callEvents(call('connected'), call('connected', {caller: {...agent1, muted: true}}), agent1), []);
  assert.deepEqual(callEvents(call('connected'), call('ended', {endReason: 'peer_gone', endCode: 'call.peer_gone'}), agent1),
    [{name: 'callEnded', reason: 'peer_gone', code: 'call.peer_gone'}]);
});

test('ICE: the offerer restarts after failure or a long disconnect, then gives up', () => {
  assert.equal(iceAction('checking'), 'wait');
  assert.equal(iceAction('connected'), 'recovered');
  assert.equal(iceAction('disconnected', {disconnectedForMs: 500}), 'wait');
  assert.equal(iceAction('disconnected', {disconnectedForMs: 3500}), 'restart');
  assert.equal(iceAction('failed', {restarts: 1}), 'restart');
  assert.equal(iceAction('failed', {offerer: false}), 'wait');
  assert.equal(iceAction('failed', {restarts: 2}), 'fail');
  assert.equal(iceAction('failed', {restarts: 2, offerer: false}), 'fail');
});

test('candidates are forwarded unless restricted to addresses; relay candidates always pass', () => {
  const host = a => ({candidate: `candidate:1 1 udp 2122260223 ${a} 54400 typ host generation 0`, sdpMid: '0', sdpMLineIndex: 0});
  assert.equal(forwardCandidate(host('192.0.2.7')), true);
  assert.equal(forwardCandidate(host('192.0.2.7'), ['127.0.0.1']), false);
  assert.equal(forwardCandidate(host('127.0.0.1'), ['127.0.0.1']), true);
  assert.equal(forwardCandidate({candidate: 'candidate:2 1 udp 41885439 10.1.1.1 50000 typ relay raddr 0.0.0.0 rport 0'}, ['127.0.0.1']), true);
  assert.equal(forwardCandidate({candidate: ''}, ['127.0.0.1']), true);
});

test('timer text, elapsed time, audio level, dial targets and options', () => {
  assert.equal(durationText(0), '0:00');
  assert.equal(durationText(65), '1:05');
  assert.equal(durationText(3723), '1:02:03');
  assert.equal(elapsedSeconds({answeredAt: '2026-12-02T08:00:00Z'}, Date.parse('2026-12-02T08:01:05Z')), 65);
  assert.equal(elapsedSeconds({}), 0);
  assert.equal(audioLevel(new Uint8Array(128).fill(128)), 0);
  assert.ok(audioLevel(Uint8Array.from({length: 128}, (_, i) => (i % 2 ? 200 : 56))) > 0.9);
  assert.equal(dialTarget(' agent2 '), 'agent2');
  assert.equal(dialTarget('a b'), null);
  assert.equal(dialTarget(''), null);
  assert.deepEqual(callOptions({iceTransportPolicy: 'relay', candidateAddresses: ['127.0.0.1']}),
    {iceTransportPolicy: 'relay', candidateAddresses: ['127.0.0.1']});
  assert.deepEqual(callOptions(), {iceTransportPolicy: 'all', candidateAddresses: null});
  assert.throws(() => callOptions({iceTransportPolicy: 'turn'}), /relay/);
});
