// The closed set of error codes that cross the wire (HTTP bodies and socket acknowledgements), with a human message.

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_media_type',
  'too_many_requests',
  'store_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
