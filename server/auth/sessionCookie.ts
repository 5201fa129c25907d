// The session cookie's name, shared by the HTTP and socket layers.
export const SESSION_COOKIE = 'wb_session';
