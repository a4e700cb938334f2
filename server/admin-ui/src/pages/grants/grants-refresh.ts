/** How often the access-request lists are read again while the page is in view: new requests show without a click. */
export const GRANTS_REFRESH_MS = 20_000;
