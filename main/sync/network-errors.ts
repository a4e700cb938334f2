/**
 * Error codes of a network that failed under a request (Node's socket errors, DNS, undici's
 * fetch): the server may be fine, the sync retries later (TEMPORARY). Drivers add their client's
 * own codes for the same situations.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
