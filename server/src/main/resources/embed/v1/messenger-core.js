// The pure logic of the customer messenger (messenger.js on the customer's page, widgets/messenger.js in its panel),
// with no DOM: where the resume credential is kept, what a guest-session request carries, how server frames become
// the messenger's events, and the words the panel shows for them. Unit-tested with `node --test` (server/src/test/js).

/** The events a Messenger emits (docs/messenger.md). */
export const EVENTS = Object.freeze(['ready', 'error', 'message', 'agentJoined', 'queuePosition', 'typing',
  'conversationEnded', 'status', 'callIncoming', 'callConnected', 'callHeld', 'callEnded']);

/** Server pushes of routing that the panel renders (routing sends them to the customer's principal). */
export const ROUTING_OPS = Object.freeze({QUEUE_POSITION: 'queue_position', AGENT_JOINED: 'agent_joined',
  CONVERSATION_ENDED: 'conversation_ended', CLOSE: 'close'});

/** The localStorage key of a deployment's resume credential: one per platform and deployment. */
export function storageKey(origin, deployment) {
  return `deskframe.messenger:${origin}:${deployment}`;
}

/** The body of POST /api/v2/guest/sessions. */
export function sessionRequest({deployment, resume, customerToken, prechat, restart}) {
  const body = {deployment};
  if (resume) body.resume = resume;
  if (customerToken) body.customerToken = customerToken;
  if (prechat && Object.values(prechat).some(v => v && String(v).trim())) {
    body.prechat = Object.fromEntries(Object.entries(prechat).filter(([, v]) => v && String(v).trim()).map(([k, v]) => [k, String(v).trim()]));
  }
  if (restart) body.restart = true;
  return body;
}

/** What to do after a refused guest session: forget the saved credential and retry, wait and retry, or stop. */
export function sessionFailure(problem) {
  const code = problem && problem.code;
  if (code === 'guest.session_expired') return {action: 'forget_resume'};
  if (code === 'guest.rate_limited' || code === 'env.unreachable' || code === 'server.restarting') {
    return {action: 'retry', afterMs: Math.max(1, Number(problem.retryAfterSeconds) || 2) * 1000};
  }
  return {action: 'stop'};
}

/** A customer's customer option: {token} or a function returning (a promise of) the token. */
export async function customerToken(customer) {
  if (!customer) return null;
  const t = typeof customer.token === 'function' ? await customer.token() : customer.token;
  if (t !== undefined && t !== null && typeof t !== 'string') throw new TypeError('customer.token must be a string (the JWT your backend signed) or a function returning one');
  return t || null;
}

/**
 * The messenger event (or null) for a server frame of the customer's session. {@code me} is the customer's
 * participant id; own messages are events too (echoes of what another tab of the same browser sent).
 */
export function eventFor(frame, me) {
  switch (frame && frame.op) {
    case 'message':
      return {type: 'message', detail: {conversation: frame.conversation, seq: frame.seq, text: frame.text,
        sender: frame.sender, own: !!frame.sender && frame.sender.kind === 'customer' && frame.sender.id === me, sentAt: frame.sentAt,
        ...(frame.attachment ? {attachment: frame.attachment} : {})}};
    case 'typing':
      if (frame.participant && frame.participant.kind === 'customer') return null;
      return {type: 'typing', detail: {conversation: frame.conversation, participant: frame.participant}};
    case ROUTING_OPS.QUEUE_POSITION:
      return {type: 'queuePosition', detail: {conversation: frame.conversation, position: frame.position,
        estimatedWaitSeconds: frame.estimatedWaitSeconds}};
    case ROUTING_OPS.AGENT_JOINED:
      return {type: 'agentJoined', detail: {conversation: frame.conversation, agent: frame.agent}};
    case ROUTING_OPS.CONVERSATION_ENDED:
      return {type: 'conversationEnded', detail: {conversation: frame.conversation, by: frame.by, reason: frame.reason}};
    default:
      return null;
  }
}

/**
 * What a routing push says about where the conversation stands, as a key (null for other frames). The server sends
 * the same standing again after every reconnect and after its node may have lost pushes: the same key again is a
 * repeat, which changes nothing on the page and emits no event.
 */
export function standingKey(frame) {
  switch (frame && frame.op) {
    case ROUTING_OPS.QUEUE_POSITION: return `queue:${frame.conversation}:${frame.position}:${frame.estimatedWaitSeconds}`;
    case ROUTING_OPS.AGENT_JOINED: return `agent:${frame.conversation}:${frame.agent && frame.agent.id}`;
    case ROUTING_OPS.CONVERSATION_ENDED: return `ended:${frame.conversation}`;
    default: return null;
  }
}

/** "You are number 3 in the queue (about 2 minutes)." */
export function waitText(position, estimatedWaitSeconds) {
  if (typeof position !== 'number' || position < 1) return 'Waiting for an agent…';
  const first = position === 1 ? 'You are next in the queue' : `You are number ${position} in the queue`;
  if (typeof estimatedWaitSeconds !== 'number' || estimatedWaitSeconds <= 0) return `${first}.`;
  const minutes = Math.round(estimatedWaitSeconds / 60);
  const wait = estimatedWaitSeconds < 60 ? 'less than a minute' : minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
  return `${first} (${wait}).`;
}

/** Who a message is from, in the customer's words: an agent by the name the platform sent with it, or one it told. */
export function senderLabel(sender, me, {agents = {}, deploymentName = 'Support'} = {}) {
  if (!sender) return '';
  if (sender.kind === 'customer' && sender.id === me) return 'You';
  if (sender.kind === 'agent') return sender.displayName || agents[sender.id] || 'Agent';
  if (sender.kind === 'queue' || sender.kind === 'system') return deploymentName;
  return 'Someone';
}

/** What the customer reads when its conversation ended ({@code by}: who closed it, as conversation_ended says). */
export function endedText(by, me, {agents = {}} = {}) {
  if (by && by.kind === 'customer') return 'You ended the conversation.';
  if (by && by.kind === 'agent') return `${by.displayName || agents[by.id] || 'The agent'} ended the conversation.`;
  return 'The conversation has ended.';
}

/** A text to send: trimmed, not empty, within the gateway's frame limit (characters, a conservative bound). */
export function composerText(text, max = 16000) {
  const t = typeof text === 'string' ? text.trim() : '';
  if (!t) return null;
  if (t.length > max) throw new RangeError(`a message takes at most ${max} characters`);
  return t;
}
