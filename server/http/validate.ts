// Parses a request body with a shared schema, or answers 400 naming the fields.
import type { z } from 'zod';
import { describeIssues } from '../../shared/api.ts';
import { DomainError } from '../domain/errors.ts';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new DomainError('bad_request', describeIssues(result.error));
  return result.data;
}
