// Query parameters (of the figures, the prompt log, and the routes over the past: calls, reports), checked one by one:
// a 400 names the field. A parameter given twice comes as an array: which one was meant is not ours to guess.
import type { Request } from 'express';
import { idProblem, parseIsoInstant } from '../../shared/events.ts';
import { Calendar } from '../domain/calendar.ts';
import { DomainError } from '../domain/errors.ts';

/** A query parameter given once as text, or undefined; an empty or repeated one is a 400. */
export function param(req: Request, name: string): string | undefined {
  const value = optionalParam(req, name);
  if (value === undefined && req.query[name] === '') throw new DomainError('bad_request', `${name}: must not be empty`);
  return value;
}

/** A query parameter given once as text; absent or empty (`?from=&to=`: no bound) is undefined, repeated a 400. */
export function optionalParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new DomainError('bad_request', `${name}: must be given once, as text`);
  return value;
}

/** An id parameter (queue, agent, team): the contract's id rules. */
export function idParam(req: Request, name: string): string | undefined {
  const value = param(req, name);
  const problem = value === undefined ? null : idProblem(value);
  if (problem) throw new DomainError('bad_request', `${name}: ${problem}`);
  return value;
}

/** A day YYYY-MM-DD (a real one). */
export function dayParam(req: Request, name: string): string | undefined {
  const value = param(req, name);
  if (value !== undefined && !Calendar.isDay(value)) throw new DomainError('bad_request', `${name}: must be a date YYYY-MM-DD`);
  return value;
}

/**
 * An instant bound: a day YYYY-MM-DD in the centre's zone (`from` its first instant, `to` the next day's first, so
 * the day is included), or an ISO-8601 instant with an offset or epoch milliseconds (used as is; `to` excludes it).
 */
export function boundParam(req: Request, name: 'from' | 'to', calendar: Calendar): number | undefined {
  const value = param(req, name);
  return value === undefined ? undefined : boundOf(value, name, calendar);
}

/** What boundParam makes of a value given (for a route that reads its query its own way). */
export function boundOf(value: string, name: 'from' | 'to', calendar: Calendar): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!Calendar.isDay(value)) throw new DomainError('bad_request', `${name}: is not a real date`);
    const bounds = calendar.dayBounds(value);
    return name === 'from' ? bounds.start : bounds.end;
  }
  // Epoch milliseconds, as events may carry them.
  if (/^\d{10,16}$/.test(value)) return Number(value);
  const at = parseIsoInstant(value);
  if (typeof at === 'string')
    throw new DomainError('bad_request', `${name}: must be a date YYYY-MM-DD, an ISO-8601 instant with an offset or epoch milliseconds`);
  return at;
}

/** A whole number parameter within [min, max]. */
export function intParam(req: Request, name: string, min: number, max: number): number | undefined {
  const value = param(req, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new DomainError('bad_request', `${name}: must be a whole number from ${min} to ${max}`);
  return Number(value);
}
