// Socket.IO room names: one builder per kind of audience, so no handler spells a room by hand.

export const rooms = {
  scope: (scope: string) => `scope:${scope}`,
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
