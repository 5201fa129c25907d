// `npm run verify`: the self-audit of a running server. Recomputes a day's figures from the stored events,
// compares them with the counters scope by scope, prints any difference and exits 1 when there is one.
// Usage: WALLBOARD_API_TOKEN=… [URL=http://localhost:3000] npm run verify [-- --day YYYY-MM-DD]
import type { AuditReport } from '../server/domain/audit.ts';

const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const token = process.env.WALLBOARD_API_TOKEN;
const dayAt = process.argv.indexOf('--day');
const day = dayAt >= 0 ? process.argv[dayAt + 1] : undefined;

async function main(): Promise<number> {
  if (!token) {
    console.error('Set WALLBOARD_API_TOKEN to a supervisor’s token (npm start prints one when it makes it).');
    return 2;
  }
  const res = await fetch(`${url}/api/v1/ops/verify${day ? `?day=${encodeURIComponent(day)}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) {
    console.error(`GET /api/v1/ops/verify answered ${res.status}: ${await res.text()}`);
    return 2;
  }
  const report = (await res.json()) as AuditReport;
  console.log(`${report.day}: ${report.entities} calls and agents recomputed, ${report.keysCompared} keys compared`);
  for (const call of report.expiredCalls) console.log(`  expired from the live figures: call ${JSON.stringify(call.callId)} (last event ${call.lastEventAt})`);
  if (report.ok) {
    console.log('no difference: every counter equals a recomputation from the stored events');
    return 0;
  }
  console.log(
    `${report.differenceCount} difference(s)${report.differenceCount > report.differences.length ? `, the first ${report.differences.length} listed` : ''}:`,
  );
  for (const d of report.differences) console.log(`  ${d.scope}  ${d.key}  ${d.field}: stored ${d.stored ?? '(none)'}, expected ${d.expected ?? '(none)'}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`verify: ${err.message} (is the server running at ${url}?)`);
    process.exit(2);
  },
);
