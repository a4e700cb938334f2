import { connect, type Socket } from 'node:net';
import type { Result } from '../../../common/result.js';
import { readLines } from './control-lines.js';
import type { ControlAnswer } from './control-socket.js';

/** A core in another process, reached over its control socket: calls only (no events). */
export type RemoteCore = {
  dispatch(caller: unknown, method: string, input: unknown): Promise<Result<unknown>>;
  close(): Promise<void>;
};

/**
 * Connects to the control socket of the core holding a profile; null when none answers there (no
 * socket, or a process that holds the lock without serving one).
 */
export async function connectControl(path: string): Promise<RemoteCore | null> {
  const socket = await new Promise<Socket | null>((resolve) => {
    const attempt = connect(path);
    attempt.once('connect', () => resolve(attempt));
    attempt.once('error', () => resolve(null));
  });
  if (!socket) return null;
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  const gone = (): Result<unknown> => ({
    ok: false,
    error: { code: 'TEMPORARY', message: 'The Clientele process holding this profile closed the connection.' },
  });
  socket.on('error', () => undefined); // 'close' follows and answers what is waiting
  socket.on('close', () => {
    for (const settle of waiting.values()) settle(gone());
    waiting.clear();
  });
  readLines(socket, (line) => {
    const answer = JSON.parse(line) as ControlAnswer;
    if (answer.id === null) return;
    waiting.get(answer.id)?.(answer.result as Result<unknown>);
    waiting.delete(answer.id);
  });
  return {
    dispatch: (_caller, method, input) =>
      new Promise((resolve) => {
        if (socket.destroyed) return resolve(gone());
        const id = nextId++;
        waiting.set(id, resolve);
        socket.write(`${JSON.stringify({ id, method, input })}\n`);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
      }),
  };
}
