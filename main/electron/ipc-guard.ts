import { APP_ORIGIN, isAppUrl } from './app-url.js';

// Decides whether an IPC message may be served. Written against the few fields it reads (not
// Electron's classes) so unit tests can feed it plain objects and it never imports 'electron'.

/** The parts of Electron's WebFrameMain the guard reads. */
export type FrameLike = {
  readonly url: string;
  /** null for a main frame; any frame for an iframe. */
  readonly parent: unknown;
  /** Chromium's own view of the frame origin, when available ('null' for opaque origins). */
  readonly origin?: string;
  /** True once the frame left the page (navigated away, closed). */
  readonly detached?: boolean;
};

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export type IpcEventLike = {
  readonly sender: { readonly id: number };
  /** Electron gives null when the frame is gone by the time the message is handled. */
  readonly senderFrame: FrameLike | null | undefined;
};

export type GuardContext = {
  /** True only for the webContents of windows this app created (see window.ts). */
  isOurWebContents(id: number): boolean;
};

export type GuardVerdict = { allowed: true } | { allowed: false; reason: string };

export function checkIpcSender(event: IpcEventLike, context: GuardContext): GuardVerdict {
  const frame = event.senderFrame;
  if (!frame) return { allowed: false, reason: 'no sender frame' };
  if (frame.detached === true) return { allowed: false, reason: 'sender frame is detached' };
  if (frame.parent !== null) return { allowed: false, reason: 'sender is a subframe' };
  if (!context.isOurWebContents(event.sender.id)) {
    return { allowed: false, reason: 'sender is not a window this app created' };
  }
  if (!isAppUrl(frame.url))
    return { allowed: false, reason: `sender URL is not in the app (${describeUrl(frame.url)})` };
  // Chromium's origin also catches documents sandboxed into an opaque origin by CSP.
  if (frame.origin !== undefined && frame.origin !== APP_ORIGIN) {
    return { allowed: false, reason: `sender origin is ${frame.origin}` };
  }
  return { allowed: true };
}

/** Only scheme and host go to the log: paths and queries may carry user data. */
function describeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return raw === '' ? 'empty' : 'unparsable';
  }
}
