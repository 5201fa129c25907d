// Socket.IO room names: one builder per kind of audience, so no handler spells a room by hand.

const SCOPE_ROOM = 'scope:';

export const rooms = {
  scope: (scope: string) => `${SCOPE_ROOM}${scope}`,
  /** The scope a room is for, or undefined for a room of another kind. */
  scopeOf: (room: string): string | undefined => (room.startsWith(SCOPE_ROOM) ? room.slice(SCOPE_ROOM.length) : undefined),
  token: (id: string) => `token:${id}`,
  session: (id: string) => `session:${id}`,
  /** Every socket of a signed-in person, whichever session: a user change reaches them all, on every instance. */
  user: (username: string) => `user:${username}`,
  inbox: (agent: string) => `inbox:${agent}`,
  outbox: (sender: string) => `outbox:${sender}`,
  /** Supervisors and admins, and the leads of each team: where queue alerts go. */
  supervisors: 'supervisors',
  leads: (team: string) => `leads:${team}`,
};

/** The scopes a socket is subscribed to (its `scope:` rooms). */
export function scopesOf(socket: { rooms: ReadonlySet<string> }): string[] {
  return [...socket.rooms].flatMap((room) => rooms.scopeOf(room) ?? []);
}
