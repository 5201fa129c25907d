// The one error the domain throws: a code from shared/errors.ts and a message a person can act on.
import type { ErrorCode } from '../../shared/errors.ts';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
