import type {CallOptions, CallStats, CallView} from './deskframe.js';
// Types of the customer web messenger (messenger.js). docs/messenger.md describes every option and event.

export type MessengerState = 'starting' | 'prechat' | 'connecting' | 'ready' | 'ended' | 'error' | 'destroyed';

/** A message's file: fetch it from /api/v2/conversations/{conversation}/attachments/{id} with the bearer token. */
export interface AttachmentView { id: string; name: string; type: string; size: number }

/** A catalogue problem: code, message and hint (docs/errors.md). */
export interface MessengerError {
  code: string;
  message: string;
  hint?: string;
}

export interface MessengerStatus {
  state: MessengerState;
  /** The current conversation's id. */
  conversation?: string;
  error?: MessengerError;
}

export interface Participant {
  kind: 'customer' | 'agent' | 'queue' | 'system';
  id: string;
}

export interface MessengerEvents {
  ready: {conversation: string; customer?: {id: string; name?: string | null; email?: string | null; verified: boolean}};
  error: MessengerError;
  message: {conversation: string; seq: number; text: string; sender: Participant; own: boolean; sentAt?: string;
    /** The file the message carries (docs/messenger.md, "Attachments"): id, name, sniffed type, size in bytes. */
    attachment?: AttachmentView};
  agentJoined: {conversation: string; agent: {id: string; displayName: string}};
  queuePosition: {conversation: string; position: number; estimatedWaitSeconds?: number};
  typing: {conversation: string; participant: Participant};
  conversationEnded: {conversation: string; by?: string; reason?: string};
  status: MessengerStatus & {retryInMs?: number};
  // calls (CallView and CallStats as in deskframe.d.ts)
  /** The agent calls the customer (an escalation): answer() or decline(), or the panel's buttons. */
  callIncoming: {call: CallView};
  callConnected: {call: CallView};
  callHeld: {call: CallView; on: boolean};
  /** `code`, `message` and `hint` name the cause for every end but a hang-up. */
  callEnded: {call: CallView; reason: string; code: string | null; message?: string; hint?: string};
}

export type MessengerEventType = keyof MessengerEvents;

export interface MessengerOptions {
  /** The Deskframe deployment's base URL, e.g. 'https://deskframe.example.com'. */
  env: string;
  /** The messenger deployment's id (admin API: messenger-deployments). */
  deployment: string;
  /** Where the panel goes; without it, a launcher button bottom-right opens a floating panel. */
  container?: HTMLElement;
  /** A verified customer: the short JWT your backend signed (or a function returning it). */
  customer?: {token: string | (() => string | Promise<string>)};
  /** Called with every event. */
  onEvent?: <K extends MessengerEventType>(type: K, detail: MessengerEvents[K]) => void;
  /** --df-* custom properties, e.g. {'--df-accent': '#0a7'}. */
  theme?: Record<string, string>;
  /** How calls connect: {iceTransportPolicy: 'relay'} sends media only through TURN. */
  calls?: CallOptions;
}

export class Messenger {
  constructor(options: MessengerOptions);
  /** Resolves when the conversation is connected; rejects with a MessengerError when it cannot start. */
  readonly ready: Promise<MessengerEvents['ready']>;
  status(): MessengerStatus;
  /** Listens to an event; returns a function that stops listening. */
  on<K extends MessengerEventType>(type: K, fn: (detail: MessengerEvents[K]) => void): () => void;
  /** Sends a message as the customer; resolves once it is stored. */
  send(text: string): Promise<{conversation: string; seq: number}>;
  /** Opens the floating panel (launcher mode). */
  open(): void;
  /** Closes the floating panel (launcher mode). */
  close(): void;
  /** Calls the conversation's agent; resolves with the call id once it rings. */
  startCall(options?: {video?: boolean}): Promise<string>;
  /** Accepts the agent's call (without an id, the ringing one). */
  answer(callId?: string): Promise<CallView>;
  decline(callId?: string): Promise<CallView>;
  /** Hangs up (without an id, the current call). */
  hangup(callId?: string): Promise<CallView>;
  mute(on?: boolean, callId?: string): Promise<CallView>;
  callStats(callId?: string): Promise<CallStats>;
  /** Removes the launcher and panel and closes the connection. */
  destroy(): void;
}

export declare const EVENTS: readonly MessengerEventType[];
