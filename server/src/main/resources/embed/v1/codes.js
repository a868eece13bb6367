// The error catalogue as the JS clients need it: every code of the server's one catalogue
// (org.deskframe.diagnostics.ErrorCode, docs/errors.md). EmbedCodesMirrorTests reads the JSON between the markers
// below and fails the build when an entry differs from the server's; keep it strict JSON.

/** What a client does after a close code, by range. Codes below 4000 (1006 and so on) are transport failures. */
export const CLOSE_RANGES = /* ranges:begin */ [
  {"from": 4000, "to": 4099, "action": "reconnect"},
  {"from": 4100, "to": 4199, "action": "new_token"},
  {"from": 4300, "to": 4399, "action": "stop"}
] /* ranges:end */;

/** Every catalogue code -> its close code, and the message and hint templates of the codes the client raises before any server answers. */
export const CODES = /* codes:begin */ {
  "token.missing": {"close": 4100},
  "token.in_url": {"close": 4319},
  "token.malformed": {"close": 4300,
    "message": "The access token is not a well-formed signed JWT ({reason}).",
    "hint": "Pass the access_token value from the token response unchanged (not the refresh token, id token or a quoted string)."},
  "token.wrong_type": {"close": 4320},
  "token.bad_signature": {"close": 4301},
  "token.expired": {"close": 4101},
  "token.not_yet_valid": {"close": 4103},
  "token.revoked": {"close": 4102},
  "token.wrong_region": {"close": 4302,
    "message": "The token was issued by '{tokenIssuer}', but this deployment ({region}) is '{expectedIssuer}'.",
    "hint": "Connect to the deployment that issued the token (env '{tokenIssuer}'), or obtain the token from '{expectedIssuer}'."},
  "token.wrong_audience": {"close": 4304},
  "token.wrong_org": {"close": 4303,
    "message": "The token belongs to organisation '{tokenOrg}', not '{expectedOrg}'.",
    "hint": "Use orgId '{tokenOrg}', or obtain the token with a client of organisation '{expectedOrg}'."},
  "token.scope_missing": {"close": 4305},
  "client.embed_not_allowed": {"close": 4306},
  "client.unknown": {"close": 4307},
  "origin.not_allowed": {"close": 4308},
  "call.turn_auth_failed": {"close": 4370},
  "call.turn_unreachable": {"close": 4371},
  "agent.disabled": {"close": 4309},
  "agent.unknown": {"close": 4310},
  "token.not_agent": {"close": 4317},
  "assertion.invalid": {"close": 4332},
  "assertion.bad_signature": {"close": 4333},
  "assertion.replayed": {"close": 4334},
  "grant.agent_not_in_org": {"close": 4335},
  "pkce.invalid": {"close": 4336},
  "refresh.rotated": {"close": 4104},
  "refresh.reused": {"close": 4105},
  "signin.failed": {"close": 4337},
  "auth.throttled": {"close": 4030},
  "server.internal": {"close": 4011},
  "rate.limited": {"close": 4029},
  "storage.unavailable": {"close": 4013},
  "server.restarting": {"close": 4001},
  "heartbeat.timeout": {"close": 4002},
  "session.slow_consumer": {"close": 4003},
  "token.refresh_mismatch": {"close": 4318},
  "handshake.timeout": {"close": 4008},
  "upgrade.timeout": {"close": 4009},
  "gateway.busy": {"close": 4006},
  "protocol.bad_frame": {"close": 4311},
  "frame.too_large": {"close": 4312},
  "request.invalid": {"close": 4313},
  "request.forbidden": {"close": 4338},
  "resource.not_found": {"close": 4314},
  "resource.conflict": {"close": 4315},
  "scope.not_allowed": {"close": 4316},
  "provider.failed": {"close": 4321,
    "message": "The token provider (getAccessToken) {reason}.",
    "hint": "Make getAccessToken return (a promise of) the access_token string your backend obtained; check the backend endpoint it calls and that backend's log."},
  "env.unreachable": {"close": 4004,
    "message": "The Deskframe deployment at '{env}' did not answer ({reason}).",
    "hint": "Check env (EmbeddingClient's env option, doctor's --env: the deployment's base URL, e.g. https://deskframe.example.com) and that the deployment is running and reachable from here; EmbeddingClient retries with backoff."},
  "env.not_deskframe": {"close": 4322},
  "env.issuer_mismatch": {"close": 4323,
    "message": "The deployment at '{env}' calls itself '{expectedIssuer}' (its issuer, which its tokens carry), not '{env}'.",
    "hint": "Use '{expectedIssuer}' as env (EmbeddingClient's env option, doctor's --env), or, if '{env}' is the deployment's public URL, set its deskframe.region.public-url to '{env}'."},
  "handshake.failed": {"close": 4005},
  "endpoint.wrong_port": {"close": 4324},
  "admin.deployment_only": {"close": 4330},
  "admin.client_token_required": {"close": 4331},
  "guest.deployment_unknown": {"close": 4340},
  "guest.origin_not_allowed": {"close": 4341},
  "guest.rate_limited": {"close": 4031},
  "guest.session_expired": {"close": 4140},
  "guest.token_required": {"close": 4342},
  "customer.token_invalid": {"close": 4343},
  "customer.token_expired": {"close": 4344},
  "customer.token_replayed": {"close": 4345},
  "customer.verification_not_configured": {"close": 4346},
  "participant.not_agent": {"close": 4380},
  "canned.title_taken": {"close": 4381},
  "search.criteria_missing": {"close": 4382},
  "conversation.attribute_invalid": {"close": 4383},
  "attachment.too_large": {"close": 4390},
  "attachment.type_not_allowed": {"close": 4391},
  "attachment.unavailable": {"close": 4012},
  "presence.invalid": {"close": 4360},
  "conversation.not_assigned": {"close": 4361},
  "offer.expired": {"close": 4362},
  "wrapup.required": {"close": 4363},
  "wrapup.unknown": {"close": 4364},
  "transfer.target_unavailable": {"close": 4365},
  "call.not_found": {"close": 4372},
  "call.not_participant": {"close": 4373},
  "call.callee_offline": {"close": 4374},
  "call.callee_busy": {"close": 4375},
  "call.declined": {"close": 4376,
    "message": "{callee} declined call {call}.",
    "hint": "Nothing is wrong: the callee chose not to answer. Leave a message, or call again later."},
  "call.no_answer": {"close": 4377,
    "message": "{callee} did not answer call {call} within {seconds} s.",
    "hint": "Nothing is wrong with the call: try again later or reach them another way; deskframe.calls.ring-timeout sets how long a call rings."},
  "call.state_invalid": {"close": 4378},
  "call.peer_gone": {"close": 4379,
    "message": "{participant}'s side of call {call} was gone for {seconds} s: no session of theirs re-attached to it.",
    "hint": "Their browser or network dropped for longer than deskframe.calls.reattach-timeout; call them again."},
  "call.ice_failed": {"close": 4384,
    "message": "No network path was found between the two sides of call {call} (ICE failed, also after an ICE restart).",
    "hint": "The TURN servers this deployment hands out (GET /api/v2/calls/ice-servers) did not relay: check that UDP (or the turns: URL's TCP port) to them is open from both sides' networks; deskframe doctor --widgets voice makes a real allocation.",
    "variants": {
      "call_ice_failed_no_turn": {"message": "No network path was found between the two sides of call {call} (ICE failed, also after an ICE restart), and this deployment hands out no TURN server.",
        "hint": "Most networks with NAT or a firewall need a relay: run a TURN server (coturn) and set deskframe.calls.turn-urls and deskframe.calls.turn-secret (docs/calls.md)."}}},
  "media.permission_denied": {"close": 4385,
    "message": "The browser did not allow the {device} ({reason}).",
    "hint": "Allow the microphone (and camera for video) for this site in the browser's address bar; the page must be https (or localhost), and an embedding page's iframe needs allow=\"microphone; camera\" (EmbeddingClient sets it)."},
  "media.device_not_found": {"close": 4386,
    "message": "No {device} was found or it could not be opened ({reason}).",
    "hint": "Connect a microphone (and camera for video), or pick another one in the widget's device selection; close other applications that hold it."},
  "conversation.closed": {"close": 4366}
} /* codes:end */;

/** 'reconnect' | 'new_token' | 'stop' for a WebSocket close code. */
export function actionForClose(closeCode) {
  if (typeof closeCode !== 'number' || closeCode < 4000) return 'reconnect';
  const range = CLOSE_RANGES.find(r => closeCode >= r.from && closeCode <= r.to);
  return range ? range.action : 'stop';
}

/** The action for a catalogue code (unknown codes stop: the integration should look at them). */
export function actionForCode(code) {
  const entry = CODES[code];
  return entry ? actionForClose(entry.close) : 'stop';
}

/**
 * A problem in the shape the server sends ({code, message, hint, closeCode, action, ...details}), rendered from the
 * mirrored templates. Lists are joined with spaces, as the server does.
 */
export function problem(code, details = {}, variant = null) {
  const base = CODES[code];
  if (!base || !base.message) throw new Error(`no client-side template for ${code}`);
  // A variant of the code (the catalogue's other constant for it, e.g. call_ice_failed_no_turn) words it for its case.
  const entry = variant && base.variants && base.variants[variant] ? {...base, ...base.variants[variant]} : base;
  const fill = t => t.replace(/\{([A-Za-z]+)\}/g, (m, name) => {
    const v = details[name];
    if (v === undefined || v === null) return m;
    return Array.isArray(v) ? (v.length ? v.join(' ') : '(none)') : String(v);
  });
  return {code, message: fill(entry.message), hint: fill(entry.hint), closeCode: entry.close,
    action: actionForClose(entry.close), ...details};
}
