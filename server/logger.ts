// One-line JSON logs on stdout; callers pass facts, never secrets.
export type Log = (msg: string, extra?: Record<string, unknown>) => void;

export function createLogger(opts: { silent?: boolean } = {}): Log {
  if (opts.silent) return () => undefined;
  return (msg, extra) => {
    process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), msg, ...extra })}\n`);
  };
}
