// The typed Socket.IO server and socket of the live layer, apart from the hub so its helpers can take them without a cycle.
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../../shared/roles.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket.ts';

/** What one instance tells the others through the adapter (io.serverSideEmit); checked when it arrives. */
export interface InterServerEvents {
  /** These teams' agents changed (or the teams went): their leads' subscriptions are checked again. */
  'rights:changed': (notice: { teams: string[] }) => void;
}

export interface SocketData {
  principal: Principal;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
