// The client's mirror of the catalogue behaves like the server's ranges (ErrorCode.clientAction). That each entry
// equals the server's is checked from Java by EmbedCodesMirrorTests.
import test from 'node:test';
import assert from 'node:assert/strict';
import {CODES, actionForClose, actionForCode, problem} from '../../main/resources/embed/v1/codes.js';

test('close codes map to the documented client actions', () => {
  assert.equal(actionForClose(1006), 'reconnect');
  assert.equal(actionForClose(1001), 'reconnect');
  assert.equal(actionForClose(4001), 'reconnect');
  assert.equal(actionForClose(4101), 'new_token');
  assert.equal(actionForClose(4305), 'stop');
  assert.equal(actionForClose(4999), 'stop');
});

test('codes map to actions through their close codes', () => {
  assert.equal(actionForCode('token.expired'), 'new_token');
  assert.equal(actionForCode('server.restarting'), 'reconnect');
  assert.equal(actionForCode('env.unreachable'), 'reconnect');
  assert.equal(actionForCode('provider.failed'), 'stop');
  assert.equal(actionForCode('origin.not_allowed'), 'stop');
  assert.equal(actionForCode('no.such_code'), 'stop');
});

test('provider.failed is rendered with its reason', () => {
  const p = problem('provider.failed', {reason: 'threw: backend said 500'});
  assert.equal(p.message, 'The token provider (getAccessToken) threw: backend said 500.');
  assert.equal(p.closeCode, 4321);
  assert.ok(p.hint.startsWith('Make getAccessToken return'));
});

test('every mirrored entry is a catalogue-shaped code with a close code', () => {
  for (const [code, entry] of Object.entries(CODES)) {
    assert.match(code, /^[a-z]+\.[a-z_]+$/);
    assert.ok(entry.close >= 4000 && entry.close <= 4999, code);
    assert.equal(!!entry.message, !!entry.hint, `${code}: message and hint come together`);
  }
});
