// Type declarations for /embed/v1/deskframe.js (Deskframe EmbeddingClient). See docs/embedding.md.

export type WidgetName = 'messaging' | 'voice' | 'video' | 'supervisor';
export type WidgetState = 'loading' | 'connecting' | 'ready' | 'reconnecting' | 'not_enabled' | 'error';
export type ClientAction = 'reconnect' | 'new_token' | 'stop';

/** A catalogue error (docs/errors.md): the same code, message and hint the server logs and the widget shows. */
export interface DeskframeProblem {
  code: string;
  message: string;
  hint: string;
  action: ClientAction;
  closeCode?: number;
  /** token.scope_missing: the scopes the token lacks, needs and has. */
  missing?: string[];
  required?: string[];
  granted?: string[];
  client?: string;
  origin?: string;
  allowed?: string[];
  /** token.scope_missing: the missing scopes the OAuth client is not allowed (an admin adds them first). */
  notAllowed?: string[];
  reason?: string;
  /** provider.failed: what getAccessToken threw, when it carried a code (e.g. your backend's answer). */
  cause?: { code: string; message: string; hint?: string };
  /** env.unreachable: when the next attempt is. */
  retryInMs?: number;
  retryAt?: string;
}

/** While a widget that was ready re-establishes its connection. */
export interface ReconnectView {
  /** The close code's catalogue code, or the WebSocket close code ('1006' for a dropped connection). */
  code: string;
  attempt: number;
  retryInMs: number;
  retryAt: string;
}

export interface AgentView {
  id: string;
  username: string;
  displayName: string;
  org: string;
}

export interface WidgetStatus {
  state: WidgetState;
  error?: DeskframeProblem;
  /** The gateway session id, also in the server log. */
  session?: string;
  agent?: AgentView;
  /** Why a widget is not enabled (voice and video until calls support). */
  notice?: string;
  /** state 'reconnecting': why, and when the next attempt is. */
  reconnect?: ReconnectView;
}

export type Status = Partial<Record<WidgetName, WidgetStatus>>;

export type TokenValue = string | { access_token: string } | { accessToken: string };

export interface EmbeddingClientOptions {
  /** The organisation the agent belongs to; checked against the token's `org` claim before connecting. */
  orgId: string;
  /** The deployment's base URL (https://deskframe.example.com) or host. */
  env: string;
  /** A fixed access token (cannot be refreshed); give getAccessToken instead for sessions longer than one token. */
  token?: string;
  /**
   * Returns (a promise of) an access token from your backend; called at start and again before expiry. If it throws
   * an error with a string `code` (and `message`, `hint`), e.g. your backend's catalogue answer, provider.failed keeps
   * it as `cause` and shows its hint.
   */
  getAccessToken?: (context: { reason: string }) => TokenValue | Promise<TokenValue>;
  /** Where the widgets go: an element, a selector, or one element/selector per widget. */
  container: Element | string | Partial<Record<WidgetName, Element | string>>;
  /** Default ['messaging']. */
  widgets?: WidgetName[];
  /** Log every step to the console with timestamps and session ids (never a token). */
  debug?: boolean;
  /** Called with every event. */
  onEvent?: (event: DeskframeEvent) => void;
  /** CSS custom properties for the widgets, e.g. {'--df-accent': '#b00020'}. */
  theme?: Record<`--df-${string}`, string>;
  /** How the voice and video widgets connect calls. */
  calls?: CallOptions;
}

// calls
export interface CallOptions {
  /** 'relay' sends media only through the TURN servers GET /api/v2/calls/ice-servers hands out (default 'all'). */
  iceTransportPolicy?: 'all' | 'relay';
  /** Forward only local ICE candidates with these addresses (relay candidates always go), e.g. ['127.0.0.1'] on loopback. */
  candidateAddresses?: string[];
}
export interface CallParty { kind: 'agent' | 'customer'; id: string; displayName?: string; muted: boolean; attached: boolean }
/** A call as the server's `call` frame shows it (docs/protocol.md). */
export interface CallView {
  id: string;
  state: 'ringing' | 'connected' | 'held' | 'ended';
  media: 'audio' | 'video';
  caller: CallParty;
  /** Absent while a customer's call waits for an agent (`queue` names where). */
  callee?: CallParty;
  queue?: string;
  conversation?: string;
  createdAt: string;
  answeredAt?: string;
  endedAt?: string;
  endedBy?: ParticipantRef;
  endReason?: 'hangup' | 'declined' | 'no_answer' | 'peer_gone' | 'failed' | 'conversation_closed';
  /** For every end but a hang-up: call.declined, call.no_answer, call.peer_gone, call.ice_failed, media.permission_denied, ... */
  endCode?: string;
  durationSeconds?: number;
}
/** One side's media of a call, from RTCPeerConnection.getStats(). */
export interface CallStats {
  audio: { bytesReceived: number; packetsReceived: number; packetsLost: number; jitter: number };
  video?: { bytesReceived: number; framesDecoded: number };
  /** Seconds, of the selected candidate pair; null before one is selected. */
  roundTripTime: number | null;
  /** This side's candidate type on the selected pair. */
  candidateType: 'host' | 'srflx' | 'prflx' | 'relay' | null;
  /** Either end of the selected pair is a TURN relay. */
  relayed: boolean;
}
// calls end

interface EventBase<T extends string> {
  type: T;
  /** ISO-8601 time the client emitted the event. */
  at: string;
  widget?: WidgetName;
}

export interface MessageView {
  conversation: string;
  seq: number;
  sender: { kind: 'agent' | 'customer' | 'queue' | 'system'; id: string };
  text: string;
  sentAt: string;
  clientMessageId: string;
  /** Sent by this agent (from this or another of its sessions). */
  own: boolean;
  /**
   * The placeholder of a message the platform's storage lost (sender {kind: 'system'}, empty text): its sequence
   * number stays taken, so no other message ever gets it (docs/protocol.md, "Lost messages").
   */
  lost: boolean;
  /** The file the message carries, when it carries one (docs/messenger.md, "Attachments"). */
  attachment?: { id: string; name: string; type: string; size: number };
}

export type DeskframeEvent =
  | (EventBase<'ready'> & { session: string; agent: AgentView })
  | (EventBase<'error'> & { error: DeskframeProblem })
  | (EventBase<'tokenRefreshed'> & { expiresAt: string; scopes: string[]; session: string })
  | (EventBase<'tokenExpiring'> & { in: number; expiresAt: string })
  | (EventBase<'message'> & MessageView)
  | (EventBase<'conversation'> & { conversation: { id: string; subject?: string; participants: { kind: string; id: string }[] } })
  | (EventBase<'presence'> & { agent: string; status: PresenceStatus | 'after_contact_work'; since: string })
  | (EventBase<'disconnected'> & { code: string; closeCode: number; action: ClientAction; retryInMs: number })
  | (EventBase<'reconnecting'> & { session?: string } & ReconnectView)
  | (EventBase<'reconnected'> & { session: string; attempts: number })
  // routing (docs/routing.md)
  | (EventBase<'conversationOffered'> & { conversation: string; customer: CustomerView; queue: string; expiresAt: string })
  | (EventBase<'conversationAssigned'> & { conversation: string; customer: CustomerView; queue: string })
  | (EventBase<'conversationTransferred'> & { conversation: string; from: ParticipantRef; to: ParticipantRef; by: ParticipantRef })
  | (EventBase<'conversationEnded'> & { conversation: string; by: ParticipantRef; reason: string; wrapUp?: string })
  | (EventBase<'offerWithdrawn'> & { conversation: string; reason: 'declined' | 'timeout' | 'presence' | 'offline' | string })
  /** The customer of an offer, for the desktop to open its own CRM record. */
  | (EventBase<'screenPop'> & { conversation: string; customer: CustomerView; queue: string })
  // calls: `widget` is the one carrying the call (voice or video)
  | (EventBase<'callIncoming'> & { call: CallView })
  | (EventBase<'callConnected'> & { call: CallView })
  | (EventBase<'callHeld'> & { call: CallView; on: boolean })
  /** `reason` is the call's endReason; `code`, `message` and `hint` name the cause for every end but a hang-up. */
  | (EventBase<'callEnded'> & { call: CallView; reason: string; code: string | null; message?: string; hint?: string });

// routing
export type PresenceStatus = 'available' | 'away' | 'busy' | 'offline';
export interface ParticipantRef { kind: 'agent' | 'customer' | 'queue' | 'system'; id: string }
/** Who the customer is: its id, what it typed in the pre-chat form or what the integrator signed about it. */
export interface CustomerView { id: string; name?: string; email?: string; verified: boolean; attributes: Record<string, string> }
// routing end

export type EventType = DeskframeEvent['type'];
export type EventOf<T extends EventType> = Extract<DeskframeEvent, { type: T }>;

/** `message` is the problem's message alone; code, hint and the rest are fields of their own. */
export class DeskframeError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly widget?: WidgetName;
  readonly problem: DeskframeProblem & { widget?: WidgetName };
}

export class EmbeddingClient {
  constructor(options: EmbeddingClientOptions);
  /** Resolves with status() when every widget is ready (or not enabled); rejects with a DeskframeError on a stop error. */
  readonly ready: Promise<Status>;
  status(): Status;
  on<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  off<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): void;
  /** Calls getAccessToken and refreshes every live widget session in place. */
  refreshToken(): Promise<void>;
  destroy(): void;
  // routing: the agent-desktop API, carried by the messaging widget's session; rejects with a DeskframeError
  /** Resolves with the `presence` reply. */
  setPresence(status: PresenceStatus): Promise<Record<string, unknown>>;
  /** Resolves with the `conversation_assigned` reply; `offer.expired` when the offer is gone. */
  accept(conversationId: string): Promise<Record<string, unknown>>;
  decline(conversationId: string): Promise<Record<string, unknown>>;
  transfer(conversationId: string, target: { agent: string } | { queue: string }): Promise<Record<string, unknown>>;
  /** `wrapup.required` / `wrapup.unknown` when the queue asks for a wrap-up code. */
  close(conversationId: string, options?: { wrapUp?: string }): Promise<Record<string, unknown>>;
  // calls: carried by the voice widget (the video widget for video calls); rejects with a DeskframeError
  // (call.callee_offline, call.callee_busy, media.permission_denied, media.device_not_found, ...)
  /** Rings an agent, or the customer of a conversation; resolves with the call id once it rings. */
  clickToDial(target: { agent: string; video?: boolean } | { conversation: string; video?: boolean }): Promise<string>;
  answer(callId: string): Promise<CallView>;
  decline(callId: string): Promise<CallView>;
  hangup(callId: string): Promise<CallView>;
  hold(callId: string, on?: boolean): Promise<CallView>;
  mute(callId: string, on?: boolean): Promise<CallView>;
  callStats(callId: string): Promise<CallStats>;
}

export const CODES: Record<string, { close: number; message?: string; hint?: string }>;
export function actionForClose(closeCode: number): ClientAction;
export function actionForCode(code: string): ClientAction;
