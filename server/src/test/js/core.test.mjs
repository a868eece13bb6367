// Unit tests of EmbeddingClient's pure logic (no DOM): run by `node --test` from the Maven build (server/pom.xml).
import test from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {backoffDelay, byLastActivity, causeOf, clip, debugLine, decodeTokenPayload, earlierPage, envMismatch, envOrigin,
  linkSegments, precheck, providerFailure, refreshDelay, retryTime, tokenFrom, streamUrl, unreadCount,
  widgetUrl} from '../../main/resources/embed/v1/core.js';

/** The env rule's cases, shared with deskframe doctor's tests (cli's EnvNameTests). */
const ENV_RULE = JSON.parse(readFileSync(new URL('../resources/env-rule.json', import.meta.url), 'utf8'));

const b64url = o => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = payload => `${b64url({alg: 'RS256', typ: 'at+jwt'})}.${b64url(payload)}.c2ln`;

test('envOrigin accepts a base URL, a host, or a URL with a path, and keeps only the origin', () => {
  assert.equal(envOrigin('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  assert.equal(envOrigin('https://deskframe.example.com/some/path/'), 'https://deskframe.example.com');
  assert.equal(envOrigin('deskframe.example.com'), 'https://deskframe.example.com');
  assert.equal(envOrigin('localhost:8080'), 'http://localhost:8080');
  assert.throws(() => envOrigin(''), TypeError);
  assert.throws(() => envOrigin('ftp://x.example'), TypeError);
});

test('decodeTokenPayload reads the claims without verifying, including non-ASCII text', () => {
  const p = decodeTokenPayload(jwt({iss: 'http://localhost:8080', org: 'demo', client_id: 'demo-backend', name: 'Zoë'}));
  assert.equal(p.iss, 'http://localhost:8080');
  assert.equal(p.org, 'demo');
  assert.equal(p.client_id, 'demo-backend');
  assert.equal(p.name, 'Zoë');
});

test('decodeTokenPayload names what is wrong with a malformed token as token.malformed', () => {
  for (const [bad, reason] of [['', /empty/], ['abc', /three dot-separated parts, found 1/], ['a.!!!.c', /base64url/],
    [`a.${Buffer.from('[1]').toString('base64url')}.c`, /JSON object/]]) {
    assert.throws(() => decodeTokenPayload(bad), e => e.code === 'token.malformed' && reason.test(e.message) && e.action === 'stop');
  }
});

test('precheck reports the issuer first as token.wrong_region with both issuers and the fix', () => {
  const env = {issuer: 'https://eu.deskframe.example', region: 'eu'};
  const p = precheck({iss: 'https://us.deskframe.example', org: 'acme'}, env, 'demo');
  assert.equal(p.code, 'token.wrong_region');
  assert.equal(p.closeCode, 4302);
  assert.equal(p.action, 'stop');
  assert.equal(p.message, "The token was issued by 'https://us.deskframe.example', but this deployment (eu) is 'https://eu.deskframe.example'.");
  assert.match(p.hint, /env 'https:\/\/us.deskframe.example'/);
});

test('precheck reports an org mismatch as token.wrong_org, and passes a matching token', () => {
  const env = {issuer: 'http://localhost:8080', region: 'local'};
  const p = precheck({iss: 'http://localhost:8080', org: 'acme'}, env, 'demo');
  assert.equal(p.code, 'token.wrong_org');
  assert.equal(p.message, "The token belongs to organisation 'acme', not 'demo'.");
  assert.equal(p.hint, "Use orgId 'acme', or obtain the token with a client of organisation 'demo'.");
  assert.equal(precheck({iss: 'http://localhost:8080', org: 'demo'}, env, 'demo'), null);
});

test('backoffDelay grows exponentially up to the cap, with jitter between half and all of it', () => {
  assert.equal(backoffDelay(0, {random: () => 0}), 250);
  assert.equal(backoffDelay(0, {random: () => 1}), 500);
  assert.equal(backoffDelay(3, {random: () => 1}), 4000);
  assert.equal(backoffDelay(3, {random: () => 0}), 2000);
  assert.equal(backoffDelay(20, {random: () => 1}), 30000);
  assert.equal(backoffDelay(1000, {random: () => 0}), 15000);
  const samples = new Set(Array.from({length: 50}, () => backoffDelay(4)));
  assert.ok(samples.size > 10, 'jitter spreads reconnects');
  for (const d of samples) assert.ok(d >= 4000 && d <= 8000, `${d} within [4000, 8000]`);
});

test('refreshDelay refreshes a quarter of the lifetime before expiry, between 2 s and 60 s before', () => {
  const now = 1_000_000_000_000;
  const iat = now / 1000;
  assert.equal(refreshDelay({iat, exp: iat + 900}, now), 840_000); // 15 min token: 60 s before
  assert.equal(refreshDelay({iat, exp: iat + 20}, now), 15_000);   // 20 s token: 5 s before
  assert.equal(refreshDelay({iat, exp: iat + 4}, now), 2_000);     // very short: at least 2 s before
  assert.equal(refreshDelay({iat: iat - 100, exp: iat - 1}, now), 0);
  assert.equal(refreshDelay({}, now), null);
});

test('widgetUrl carries client, org and the parent origin, never a token', () => {
  const u = new URL(widgetUrl('http://localhost:8080', 'messaging', {client: 'demo-backend', org: 'demo',
    parentOrigin: 'http://localhost:8081', debug: true}));
  assert.equal(u.origin, 'http://localhost:8080');
  assert.equal(u.pathname, '/embed/v1/widgets/messaging');
  assert.deepEqual([...u.searchParams.keys()].sort(), ['client', 'debug', 'org', 'parent']);
  assert.equal(u.searchParams.get('parent'), 'http://localhost:8081');
});

test('tokenFrom accepts a string or a token response, and nothing else', () => {
  assert.equal(tokenFrom(' abc '), 'abc');
  assert.equal(tokenFrom({access_token: 'x'}), 'x');
  assert.equal(tokenFrom({accessToken: 'y'}), 'y');
  for (const v of [undefined, null, '', '  ', 42, {}, {access_token: ''}]) assert.equal(tokenFrom(v), null);
});

test('debugLine has a timestamp, widget and session, and redacts anything named like a token', () => {
  const line = debugLine('authenticate sent', {widget: 'messaging', session: 's-1', token: 'eyJ.secret.sig',
    accessToken: 'x', refresh_token: 'y', tokenExpiresIn: '300s', needsToken: true, code: 'token.expired'},
  new Date('2026-11-27T10:00:00.123Z'));
  assert.equal(line, '[deskframe 2026-11-27T10:00:00.123Z messaging session=s-1] authenticate sent '
    + 'token=(redacted) accessToken=(redacted) refresh_token=(redacted) tokenExpiresIn=300s needsToken=true code=token.expired');
  assert.ok(!line.includes('eyJ'));
});

test('earlierPage asks for the messages just before the oldest loaded one', () => {
  assert.deepEqual(earlierPage(120, 50), {after: 69, limit: 50});
  assert.deepEqual(earlierPage(20, 50), {after: 0, limit: 19});
  assert.equal(earlierPage(1, 50), null);
});

test('unreadCount counts others\' messages after the read position', () => {
  const msgs = [1, 2, 3, 4].map(seq => ({seq, sender: {kind: 'agent', id: seq === 3 ? 'me' : 'other'}}));
  assert.equal(unreadCount(msgs, 1, 'me'), 2);
  assert.equal(unreadCount(msgs, 4, 'me'), 0);
  const withLost = [...msgs, {seq: 5, lost: true, sender: {kind: 'system', id: 'deskframe'}}];
  assert.equal(unreadCount(withLost, 1, 'me'), 2, 'a lost message\'s placeholder is not unread');
});

test('streamUrl takes the gateway URL the platform announced, and nothing else', () => {
  assert.equal(streamUrl('ws://localhost:8090/api/v2/stream').href, 'ws://localhost:8090/api/v2/stream');
  assert.equal(streamUrl('wss://cc.example.com/api/v2/stream').href, 'wss://cc.example.com/api/v2/stream');
  assert.throws(() => streamUrl(undefined), /announces no gateway URL/);
  assert.throws(() => streamUrl(''), /announces no gateway URL/);
  assert.throws(() => streamUrl('http://localhost:8090/api/v2/stream'), TypeError);
});

test('envOrigin follows the shared env rule: scheme assumed (http only for localhost and 127.0.0.1), origin kept', () => {
  for (const c of ENV_RULE.origins) {
    if (c.origin === null) assert.throws(() => envOrigin(c.env), TypeError, JSON.stringify(c));
    else assert.equal(envOrigin(c.env), c.origin, JSON.stringify(c));
  }
});

test('envMismatch accepts exactly the names the deployment announces, else env.issuer_mismatch with the issuer', () => {
  for (const c of ENV_RULE.names) {
    const p = envMismatch(envOrigin(c.env), {issuer: c.issuer, origins: c.origins});
    if (c.accepted) {
      assert.equal(p, null, JSON.stringify(c));
    } else {
      assert.equal(p.code, 'env.issuer_mismatch', JSON.stringify(c));
      assert.equal(p.action, 'stop');
      assert.equal(p.message, `The deployment at '${envOrigin(c.env)}' calls itself '${c.issuer}' (its issuer, which its tokens carry), not '${envOrigin(c.env)}'.`);
      assert.match(p.hint, new RegExp(`^Use '${c.issuer.replace(/[.]/g, '\\.')}' as env`));
    }
  }
});

test('precheck names a wrong env before the token: env.issuer_mismatch, then token.wrong_region', () => {
  const env = {issuer: 'http://localhost:8080', region: 'local', origins: ['http://localhost:8080', 'http://127.0.0.1:8080']};
  const payload = {iss: 'http://localhost:8080', org: 'demo'};
  assert.equal(precheck(payload, env, 'demo', 'http://127.0.0.1:8080'), null);
  assert.equal(precheck(payload, env, 'demo', 'http://10.1.2.3:8080').code, 'env.issuer_mismatch');
  assert.equal(precheck({...payload, iss: 'http://localhost:9090'}, env, 'demo', 'http://localhost:8080').code, 'token.wrong_region');
});

test('clip keeps short text, and cuts long text at a space, never inside a URL', () => {
  assert.equal(clip('  a \n b  '), 'a b');
  const url = 'http://localhost:8080/oauth2/token?' + 'x'.repeat(60);
  const text = `${'word '.repeat(30)}${url} tail`;
  const cut = clip(text, 200);
  assert.ok(cut.length <= 202, cut);
  assert.ok(cut.endsWith(' …'));
  assert.ok(!cut.includes('http://localhost'), 'the URL is dropped whole, not cut in the middle');
});

test('providerFailure passes a catalogue cause through: code and message in the message, its hint as the hint', () => {
  const thrown = Object.assign(new Error("The jwt-bearer assertion is refused: aud [http://127.0.0.1:8080/oauth2/token] does not include the token endpoint 'http://localhost:8080/oauth2/token'."),
    {code: 'assertion.invalid', hint: "Use the issuer 'http://localhost:8080' as the platform URL."});
  const p = providerFailure(thrown);
  assert.equal(p.code, 'provider.failed');
  assert.equal(p.message, "The token provider (getAccessToken) threw: assertion.invalid: The jwt-bearer assertion is refused: aud [http://127.0.0.1:8080/oauth2/token] does not include the token endpoint 'http://localhost:8080/oauth2/token'.");
  assert.equal(p.hint, "Use the issuer 'http://localhost:8080' as the platform URL.");
  assert.deepEqual(p.cause, {code: 'assertion.invalid', message: thrown.message, hint: thrown.hint});
  assert.equal(p.action, 'stop');
});

test('providerFailure of a plain error keeps the catalogue hint, and causeOf ignores codes that are not catalogue-shaped', () => {
  const p = providerFailure(new Error('the desktop backend answered 500'));
  assert.equal(p.message, 'The token provider (getAccessToken) threw: the desktop backend answered 500.');
  assert.match(p.hint, /^Make getAccessToken return/);
  assert.equal(p.cause, undefined);
  assert.equal(causeOf(Object.assign(new Error('x'), {code: 'ECONNREFUSED'})), null);
  assert.equal(causeOf(Object.assign(new Error('x'), {code: 20})), null);
  assert.equal(causeOf(new Error('outer', {cause: {code: 'invalid_grant', message: 'bad'}})).code, 'invalid_grant');
});

test('linkSegments links http and https URLs only, leaving punctuation and other schemes as text', () => {
  assert.deepEqual(linkSegments('See https://example.com/a?b=1, then (http://x.example/y).'), [
    {text: 'See '}, {text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1'}, {text: ', then ('},
    {text: 'http://x.example/y', href: 'http://x.example/y'}, {text: ').'}]);
  assert.deepEqual(linkSegments('javascript:alert(1) data:text/html,<b>x</b> ftp://x.example'),
    [{text: 'javascript:alert(1) data:text/html,<b>x</b> ftp://x.example'}]);
  assert.deepEqual(linkSegments('xhttps://evil.example'), [{text: 'xhttps://evil.example'}]);
  assert.deepEqual(linkSegments('no links here'), [{text: 'no links here'}]);
  assert.deepEqual(linkSegments(''), []);
});

test('byLastActivity puts the conversation with the newest message or start first, stable on ties', () => {
  const convs = [
    {id: 'c_old', createdAt: '2026-12-01T08:00:00Z', lastMessageAt: '2026-12-01T09:00:00Z'},
    {id: 'c_new', createdAt: '2026-12-01T10:00:00Z', lastMessageAt: null},
    {id: 'c_busy', createdAt: '2026-12-01T07:00:00Z', lastMessageAt: '2026-12-01T11:00:00Z'},
    {id: 'c_a', createdAt: '2026-12-01T06:00:00Z'}, {id: 'c_b', createdAt: '2026-12-01T06:00:00Z'},
  ];
  assert.deepEqual([...convs].sort(byLastActivity).map(c => c.id), ['c_busy', 'c_new', 'c_old', 'c_a', 'c_b']);
});

test('retryTime says when, and in how many seconds', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  assert.match(retryTime(4000, now), /\(in 4 s\)$/);
  assert.match(retryTime(200, now), /\(in 1 s\)$/);
});

// ---- staples (issues 9 and 11) --------------------------------------------------------------------------------------
import {othersPositions, participantName, transcriptOrder, lastActivity} from '../../main/resources/embed/v1/core.js';

test('a message is read once every other participant read it, delivered once every other has it; read implies delivered', () => {
  const me = {kind: 'agent', id: 'agent1'};
  const positions = [
    {participant: {kind: 'agent', id: 'agent1'}, delivered: 9, read: 9},
    {participant: {kind: 'agent', id: 'agent2'}, delivered: 7, read: 5},
    {participant: {kind: 'customer', id: 'g1'}, delivered: 0, read: 6},
    {participant: {kind: 'queue', id: 'q1'}, delivered: 0, read: 0},
  ];
  const o = othersPositions(positions, me);
  assert.equal(o.read, 5);
  assert.equal(o.delivered, 6);
  assert.equal(o.readers.length, 2);
  assert.deepEqual(othersPositions([positions[0]], me), {delivered: 0, read: 0, readers: []});
});

test('participantName prefers the display name, then a name learnt earlier, then the id', () => {
  const names = new Map([['agent:agent3', 'Agent Three']]);
  assert.equal(participantName({kind: 'agent', id: 'agent2', displayName: 'Agent Two'}, names), 'Agent Two');
  assert.equal(participantName({kind: 'agent', id: 'agent3'}, names), 'Agent Three');
  assert.equal(participantName({kind: 'customer', id: 'g1'}, names), 'g1');
});

test('transcriptOrder puts each note after the message it followed, notes in their order', () => {
  const order = transcriptOrder([{seq: 1}, {seq: 2}, {seq: 3}], [{seq: 2, afterSeq: 1}, {seq: 1, afterSeq: 1}, {seq: 3, afterSeq: 3}, {seq: 4, afterSeq: 0}]);
  assert.deepEqual(order.map(i => `${i.kind}${i.item.seq}`), ['note4', 'message1', 'note1', 'note2', 'message2', 'message3', 'note3']);
});

test('lastActivity reads the list reply\'s lastActivityAt', () => {
  assert.equal(lastActivity({createdAt: '2026-12-01T08:00:00Z', lastActivityAt: '2026-12-01T09:00:00Z'}), Date.parse('2026-12-01T09:00:00Z'));
});

test('sendRetryDelay: a send the platform failed is sent again with backoff; one the message failed is not', async () => {
  const {sendRetryDelay, SEND_RETRIES} = await import('../../main/resources/embed/v1/core.js');
  assert.equal(sendRetryDelay('storage.unavailable', 0), 1000);
  assert.equal(sendRetryDelay('storage.unavailable', 1), 2000);
  assert.equal(sendRetryDelay('server.restarting', 3), 8000);
  assert.equal(sendRetryDelay('storage.unavailable', SEND_RETRIES - 1), 30000);
  assert.equal(sendRetryDelay('storage.unavailable', SEND_RETRIES), null);
  assert.equal(sendRetryDelay('conversation.closed', 0), null);
  assert.equal(sendRetryDelay('request.invalid', 0), null);
  assert.equal(sendRetryDelay('server.internal', 0), null);
  assert.equal(sendRetryDelay(undefined, 0), null);
});
