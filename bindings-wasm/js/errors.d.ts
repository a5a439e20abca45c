import type { DuplicateCandidate, ErrorCode, FieldError, StorageErrorKind } from './casebook_wasm.js';

/**
 * What every failing call throws: an `Error` whose `name` is
 * `"CasebookError"`. `code` and `status` are the core's stable codes (the
 * C status codes are the same numbers); `fieldErrors` lists every field
 * problem of a `validation_failed` error (empty otherwise); `candidates`
 * comes with `duplicate_suspected` and `storageKind` with `storage`.
 */
export declare class CasebookError extends Error {
  private constructor(message: string, details: object);
  readonly name: 'CasebookError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors: FieldError[];
  readonly candidates?: DuplicateCandidate[];
  readonly storageKind?: StorageErrorKind;
}

/** Whether `value` is an error thrown by casebook (a type guard for `catch`). */
export declare function isCasebookError(value: unknown): value is CasebookError;
