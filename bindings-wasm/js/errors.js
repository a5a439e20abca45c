// The error every failing casebook call throws. The module constructs it
// (see src/error.rs); the package exports it for `instanceof` checks.

/** What every failing casebook call throws, with the core's stable code. */
export class CasebookError extends Error {
  /**
   * @param {string} message the core's message
   * @param {object} details the core's error JSON in camelCase (`code`, `status`, `fieldErrors`, ...)
   */
  constructor(message, details) {
    super(message);
    this.name = 'CasebookError';
    this.code = details.code;
    this.status = details.status;
    this.fieldErrors = Array.isArray(details.fieldErrors) ? details.fieldErrors : [];
    if (details.candidates !== undefined) this.candidates = details.candidates;
    if (details.storageKind !== undefined) this.storageKind = details.storageKind;
  }
}

/**
 * Whether `value` is an error thrown by casebook. Also true for one thrown
 * by another copy of the package or from another realm (a worker's error
 * passed on), judged by its name and its string `code`.
 */
export function isCasebookError(value) {
  if (value instanceof CasebookError) return true;
  return value instanceof Error && value.name === 'CasebookError' &&
    typeof value.code === 'string' && typeof value.status === 'number';
}
