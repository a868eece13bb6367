// The gateway protocol's op names (docs/protocol.md), mirrored from org.deskframe.protocol.Op; ProtocolDocTests
// compares the two. Widgets name ops through this, never with string literals.
export const Op = Object.freeze({
  AUTHENTICATE: 'authenticate',
  REFRESH: 'refresh',
  PONG: 'pong',
  SEND: 'send',
  RESUME: 'resume',
  TYPING: 'typing',
  RECEIPT: 'receipt',
  START_CONVERSATION: 'start_conversation',
  LIST_CONVERSATIONS: 'list_conversations',
  READY: 'ready',
  ERROR: 'error',
  REFRESHED: 'refreshed',
  PING: 'ping',
  TOKEN_EXPIRING: 'token_expiring',
  ACK: 'ack',
  MESSAGE: 'message',
  CAUGHT_UP: 'caught_up',
  RECEIPT_OK: 'receipt_ok',
  CONVERSATION: 'conversation',
  CONVERSATIONS: 'conversations',
});
