import type { Socket } from 'node:net';
import { MAX_CONTROL_LINE_BYTES } from './control-socket.js';

/**
 * Calls `onLine` with each newline-terminated line the socket sends (as text, without the newline).
 * A line longer than MAX_CONTROL_LINE_BYTES ends the connection: nothing legitimate is that long.
 */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, at));
      const line = Buffer.concat(pending).toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = at + 1;
      onLine(line);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_CONTROL_LINE_BYTES) socket.destroy(new Error('control line too long'));
    }
  });
}
