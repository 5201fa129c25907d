// A cap on what the server holds for one socket that does not read: a screen whose link stalls (or a client that
// stops reading) keeps its TCP window shut, and every push to it then waits in memory, engine.io's write buffer and
// the WebSocket's, until the heartbeat gives up on it. Past the cap the connection is dropped at once; the client
// reconnects by itself and subscribes again, with the whole figures.
/** The default cap on a socket's unsent data (WALLBOARD_SOCKET_MAX_UNSENT_MB). */
export const DEFAULT_MAX_UNSENT_BYTES = 4 * 1024 * 1024;

interface Packet {
  data?: unknown;
}

/** engine.io's side of a socket: its write buffer, and the transport (a ws WebSocket under the WebSocket transport). */
interface EngineConnection {
  writeBuffer: Packet[];
  transport: unknown;
  on(event: 'packetCreate', listener: (packet: Packet) => void): unknown;
  close(discard?: boolean): unknown;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

/** The WebSocket under a transport (ws: `bufferedAmount`, `terminate`); none under long-polling. */
function webSocketOf(transport: unknown): { bufferedAmount: number; terminate(): void } | undefined {
  const ws = (transport as { socket?: { bufferedAmount?: unknown; terminate?: unknown } } | undefined)?.socket;
  return typeof ws?.bufferedAmount === 'number' && typeof ws.terminate === 'function' ? (ws as { bufferedAmount: number; terminate(): void }) : undefined;
}

/**
 * Bytes handed to a connection (a Socket.IO socket's `conn`) and not yet to the kernel: the packets waiting in engine.io's write buffer (the transport is
 * not writable while the last write is stuck) plus what the WebSocket still queues (ws `bufferedAmount`).
 */
export function unsentBytes(engineConnection: unknown): number {
  const conn = engineConnection as Pick<EngineConnection, 'writeBuffer' | 'transport'>;
  let bytes = webSocketOf(conn.transport)?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) bytes += sizeOf(packet.data);
  return bytes;
}

/**
 * Drops a connection (a Socket.IO socket's `conn`) when a packet would take its unsent data past `maxBytes` (0: no
 * cap), and says so with the bytes held. Checked as each packet is made, so the most held is the cap plus one packet;
 * a socket that reads costs a length check per packet (its write buffer is empty).
 */
export function capUnsent(engineConnection: unknown, maxBytes: number, dropped: (bytes: number) => void): void {
  if (maxBytes <= 0) return;
  const conn = engineConnection as EngineConnection;
  conn.on('packetCreate', (packet) => {
    if (conn.writeBuffer.length === 0) return;
    const bytes = unsentBytes(conn) + sizeOf(packet.data);
    if (bytes <= maxBytes) return;
    dropped(bytes);
    const ws = webSocketOf(conn.transport);
    // engine.io's write buffer is let go now (closing without discard would wait for a drain that will not come),
    // then the TCP connection, whose close handshake would otherwise sit behind the stuck bytes for 30 s.
    conn.close(true);
    ws?.terminate();
  });
}
