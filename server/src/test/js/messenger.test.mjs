// Unit tests of the customer messenger's pure logic (no DOM): run by `node --test` from the Maven build (server/pom.xml).
import test from 'node:test';
import assert from 'node:assert/strict';
import {EVENTS, ROUTING_OPS, composerText, customerToken, endedText, eventFor, senderLabel, sessionFailure, sessionRequest, standingKey,
  storageKey, waitText} from '../../main/resources/embed/v1/messenger-core.js';

test('storageKey is one key per platform and deployment', () => {
  assert.equal(storageKey('https://df.example', 'web'), 'deskframe.messenger:https://df.example:web');
  assert.notEqual(storageKey('https://df.example', 'web'), storageKey('https://other.example', 'web'));
});

test('sessionRequest carries only what is set, and trims pre-chat fields', () => {
  assert.deepEqual(sessionRequest({deployment: 'web'}), {deployment: 'web'});
  assert.deepEqual(sessionRequest({deployment: 'web', resume: 'gr_x', customerToken: 't', restart: true}),
    {deployment: 'web', resume: 'gr_x', customerToken: 't', restart: true});
  assert.deepEqual(sessionRequest({deployment: 'web', prechat: {name: ' Ada ', email: ''}}), {deployment: 'web', prechat: {name: 'Ada'}});
  assert.deepEqual(sessionRequest({deployment: 'web', prechat: {name: '  '}}), {deployment: 'web'});
});

test('sessionFailure forgets an expired resume, waits out rate limits, stops on integration errors', () => {
  assert.deepEqual(sessionFailure({code: 'guest.session_expired'}), {action: 'forget_resume'});
  assert.deepEqual(sessionFailure({code: 'guest.rate_limited', retryAfterSeconds: 7}), {action: 'retry', afterMs: 7000});
  assert.equal(sessionFailure({code: 'env.unreachable'}).action, 'retry');
  assert.equal(sessionFailure({code: 'guest.origin_not_allowed'}).action, 'stop');
  assert.equal(sessionFailure({code: 'customer.token_invalid'}).action, 'stop');
  assert.equal(sessionFailure(null).action, 'stop');
});

test('customerToken takes a string or a function, and refuses anything else', async () => {
  assert.equal(await customerToken(null), null);
  assert.equal(await customerToken({token: 'abc'}), 'abc');
  assert.equal(await customerToken({token: async () => 'def'}), 'def');
  await assert.rejects(customerToken({token: 42}), /customer.token must be a string/);
});

test('eventFor passes a message\'s attachment on, and adds none to a message without one', () => {
  const file = {id: 'att_1', name: 'a.png', type: 'image/png', size: 12};
  assert.deepEqual(eventFor({op: 'message', conversation: 'c1', seq: 4, text: '', sender: {kind: 'agent', id: 'agent1'},
    attachment: file}, 'g_1').detail.attachment, file);
  assert.equal('attachment' in eventFor({op: 'message', conversation: 'c1', seq: 5, text: 'x', sender: {kind: 'agent', id: 'agent1'}}, 'g_1').detail, false);
});

test('eventFor maps messages, typing and routing pushes to the messenger events', () => {
  const own = eventFor({op: 'message', conversation: 'c1', seq: 2, text: 'hi', sender: {kind: 'customer', id: 'g_1'}}, 'g_1');
  assert.equal(own.type, 'message');
  assert.equal(own.detail.own, true);
  const theirs = eventFor({op: 'message', conversation: 'c1', seq: 3, text: 'hello', sender: {kind: 'agent', id: 'agent1'}}, 'g_1');
  assert.equal(theirs.detail.own, false);
  assert.equal(eventFor({op: 'typing', conversation: 'c1', participant: {kind: 'customer', id: 'g_1'}}, 'g_1'), null);
  assert.equal(eventFor({op: 'typing', conversation: 'c1', participant: {kind: 'agent', id: 'a'}}, 'g_1').type, 'typing');
  assert.deepEqual(eventFor({op: ROUTING_OPS.QUEUE_POSITION, conversation: 'c1', position: 2, estimatedWaitSeconds: 90}, 'g_1'),
    {type: 'queuePosition', detail: {conversation: 'c1', position: 2, estimatedWaitSeconds: 90}});
  assert.deepEqual(eventFor({op: 'agent_joined', conversation: 'c1', agent: {id: 'agent1', displayName: 'Agent One'}}, 'g_1'),
    {type: 'agentJoined', detail: {conversation: 'c1', agent: {id: 'agent1', displayName: 'Agent One'}}});
  assert.deepEqual(eventFor({op: 'conversation_ended', conversation: 'c1', by: 'agent', reason: 'resolved'}, 'g_1'),
    {type: 'conversationEnded', detail: {conversation: 'c1', by: 'agent', reason: 'resolved'}});
  assert.equal(eventFor({op: 'ack'}, 'g_1'), null);
  for (const e of ['ready', 'error', 'message', 'agentJoined', 'queuePosition', 'typing', 'conversationEnded']) assert.ok(EVENTS.includes(e), e);
});

test('waitText names the position and a rounded wait', () => {
  assert.equal(waitText(1, 30), 'You are next in the queue (less than a minute).');
  assert.equal(waitText(3, 150), 'You are number 3 in the queue (about 3 minutes).');
  assert.equal(waitText(2, 60), 'You are number 2 in the queue (about 1 minute).');
  assert.equal(waitText(4), 'You are number 4 in the queue.');
  assert.equal(waitText(undefined), 'Waiting for an agent…');
});

test('senderLabel says You, the agent\'s name, or the deployment for the queue', () => {
  assert.equal(senderLabel({kind: 'customer', id: 'g_1'}, 'g_1'), 'You');
  assert.equal(senderLabel({kind: 'agent', id: 'a1'}, 'g_1', {agents: {a1: 'Agent One'}}), 'Agent One');
  assert.equal(senderLabel({kind: 'agent', id: 'a2'}, 'g_1'), 'Agent');
  assert.equal(senderLabel({kind: 'queue', id: 'q'}, 'g_1', {deploymentName: 'Acme help'}), 'Acme help');
  // The name the platform sent with the message wins: a transcript replayed after a transfer names the earlier agent too.
  assert.equal(senderLabel({kind: 'agent', id: 'agent1', displayName: 'Agent One'}, 'g_1', {agents: {}}), 'Agent One');
});

test('composerText trims, drops empty text and refuses what the gateway would refuse', () => {
  assert.equal(composerText('  hi \n'), 'hi');
  assert.equal(composerText('   '), null);
  assert.equal(composerText(undefined), null);
  assert.throws(() => composerText('x'.repeat(20), 10), RangeError);
});

test('endedText says who ended the conversation', () => {
  assert.equal(endedText({kind: 'customer', id: 'g_1'}, 'g_1'), 'You ended the conversation.');
  assert.equal(endedText({kind: 'agent', id: 'agent2', displayName: 'Agent Two'}, 'g_1'), 'Agent Two ended the conversation.');
  assert.equal(endedText({kind: 'agent', id: 'agent2'}, 'g_1', {agents: {agent2: 'Agent 2'}}), 'Agent 2 ended the conversation.');
  assert.equal(endedText({kind: 'system', id: 'deskframe'}, 'g_1'), 'The conversation has ended.');
  assert.equal(endedText(undefined, 'g_1'), 'The conversation has ended.');
});

test('standingKey tells a standing told again (reconnect, resync after lost pushes) from a change', () => {
  const joined = {op: ROUTING_OPS.AGENT_JOINED, conversation: 'c1', agent: {id: 'agent1', displayName: 'Agent One'}};
  assert.equal(standingKey(joined), standingKey({...joined, agent: {id: 'agent1'}}));
  assert.notEqual(standingKey(joined), standingKey({...joined, agent: {id: 'agent2'}}));
  const place = {op: ROUTING_OPS.QUEUE_POSITION, conversation: 'c1', position: 2, estimatedWaitSeconds: 90};
  assert.equal(standingKey(place), standingKey({...place}));
  assert.notEqual(standingKey(place), standingKey({...place, position: 1}));
  assert.notEqual(standingKey(place), standingKey(joined));
  const ended = {op: ROUTING_OPS.CONVERSATION_ENDED, conversation: 'c1', by: {kind: 'agent', id: 'agent1'}, reason: 'closed_by_agent'};
  assert.equal(standingKey(ended), standingKey({...ended, reason: 'inactivity'}));
  assert.notEqual(standingKey(ended), standingKey(joined));
  assert.equal(standingKey({op: 'message', conversation: 'c1', seq: 3}), null);
  assert.equal(standingKey(null), null);
});
