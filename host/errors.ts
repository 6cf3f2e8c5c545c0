// Typed errors for calls into the policy module.

import { errorName, errorText } from "./abi/status.ts";

/** A call into the policy module returned an error status. */
export class PolicyError extends Error {
  /** The ABI status name, for example ERR_INVALID_REFERENCE. */
  readonly status: string;
  /** Meaning of the status and what to do about it. */
  readonly detail: string;

  constructor(
    /** The negative status code the module returned. */
    readonly code: number,
    /** The export that failed, for example ipp_enqueue. */
    readonly operation: string,
    /** The record field the module rejected, when it named one. */
    readonly field: string | undefined,
    /** The offending value: the field's value, or the id or argument of the call. */
    readonly value: unknown,
  ) {
    const status = errorName(code);
    const subject = field === undefined ? `value ${JSON.stringify(value)}` : `${field} ${JSON.stringify(value)}`;
    const detail = errorText(code);
    super(`${operation}: ${subject}: ${detail} (${status})`);
    this.name = "PolicyError";
    this.status = status;
    this.detail = detail;
  }
}

/** The module file cannot serve as a policy: wrong ABI version, missing exports, or imports. */
export class PolicyLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyLoadError";
  }
}
