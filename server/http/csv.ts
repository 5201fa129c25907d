// CSV that opens cleanly in a spreadsheet and parses as it is: UTF-8, CRLF, every cell quoted, text guarded against
// formulas. No byte-order mark: a program reading the API gets the header as written; the screens' download adds one
// for spreadsheets (client/src/lib/api.ts downloadCsv).
import type { Response } from 'express';

/**
 * One CSV cell: always quoted (so `,` `;` and line breaks stay inside), and text a spreadsheet would run as a formula
 * gets a leading ': anything starting with = @ a tab or a CR, and + or - followed by more than a number could hold
 * (`-2+3+cmd|…`). A phone number (`+44 20 7946 0000`) or a negative number stays as it is: nothing in it can run,
 * and a program reading the CSV gets the same value as from the JSON.
 */
function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[+-][\d\s()./-]*$/.test(s))) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** One cell: a number as itself (so ratios stay numbers), anything else through the formula guard; null is empty. */
function cell(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? `"${value}"` : '""';
  if (typeof value === 'boolean') return `"${value}"`;
  return csvCell(value);
}

function csvText(header: readonly string[], rows: readonly unknown[][]): string {
  const lines = [header.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function wantsCsv(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('text/csv');
}

export function sendCsv(res: Response, filename: string, header: readonly string[], rows: readonly unknown[][]): void {
  res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(csvText(header, rows));
}
