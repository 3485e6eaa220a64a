/**
 * Errors that reach the agent. Every failure the extension can explain becomes a
 * CallbarError with a stable code (for code and tests) and a message in plain
 * words in the agent's language (for the agent). Errors cross context boundaries as SerializedError.
 */
import { t } from './i18n.ts';

export type ErrorCode =
  /** The platform or local program could not be reached at all. */
  | 'unreachable'
  /** The platform answered but refused the request. */
  | 'refused'
  /** The platform's reply was not what its document describes. */
  | 'malformed-reply'
  /** Credentials or secret rejected. */
  | 'auth'
  /** The request makes no sense in the current state (checked locally first). */
  | 'precondition'
  | 'timeout'
  | 'not-logged-in'
  /** The active provider cannot do this. */
  | 'unsupported'
  /** Bad input from a form, a page or a message. */
  | 'invalid-input'
  /** A message from a context that may not send it. */
  | 'forbidden'
  | 'internal';

export class CallbarError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'CallbarError';
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  detail?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof CallbarError) {
    return { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: t('internalError', message) };
}

export function deserializeError(error: SerializedError): CallbarError {
  return new CallbarError(error.code, error.message, error.detail);
}

/** A problem the agent should see in the banner until it goes away. */
export interface Problem extends SerializedError {
  /** When the problem was first seen (ms). */
  since: number;
  /** What the agent can do about it. */
  hint?: string;
}

/** The message to show for anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof CallbarError ? error.message : error instanceof Error ? error.message : String(error);
}
