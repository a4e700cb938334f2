import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Result } from '../../../common/result.js';
import type { Logger } from '../../util/logger.js';
import type { Caller } from '../api/handlers.js';
import { readLines } from './control-lines.js';
import type { ControlAnswer, ControlRequest } from './control-socket.js';

type Dispatch = (caller: Caller, method: string, input: unknown) => Promise<Result<unknown>>;

/**
 * The core that holds a profile (the app, browser mode, a `clientele sync` left running) answers the
 * CLI's calls on a local socket, so `clientele status` and the rest work while the profile is open
 * elsewhere instead of failing on its lock. Each line in is a ControlRequest, each line out a
 * ControlAnswer. Calls go through the same dispatcher as any other (validated, authorized by the
 * profile's policy) as the CLI transport: the socket gives the same access as running the CLI on the
 * profile, to the same user (owner-only socket in the owner-only profile folder).
 */
export async function serveControl(path: string, dispatch: Dispatch, log: Logger): Promise<{ close(): Promise<void> }> {
  const unixSocket = !path.startsWith('\\\\');
  // The profile lock is held: a socket file left here is from a process that died.
  if (unixSocket) rmSync(path, { force: true });
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', (error) => log.debug({ err: error }, 'control connection failed'));
    readLines(socket, (line) => void answer(socket, line));
  });
  const answer = async (socket: Socket, line: string): Promise<void> => {
    const request = parseRequest(line);
    let result: unknown;
    if (!request) result = { ok: false, error: { code: 'VALIDATION', message: 'Not a control request.' } };
    else {
      try {
        result = await dispatch({ transport: 'cli' }, request.method, request.input);
      } catch (error) {
        // The dispatcher answers every failure as a result; this is a bug, not the caller's doing.
        log.error({ err: error, method: request.method }, 'control call failed');
        result = { ok: false, error: { code: 'INTERNAL', message: 'The call failed unexpectedly.' } };
      }
    }
    const reply: ControlAnswer = { id: request?.id ?? null, result };
    if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.warn({ err: error }, 'control socket failed'));
  if (unixSocket) chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => {
          if (unixSocket) rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}

function parseRequest(line: string): ControlRequest | null {
  try {
    const value = JSON.parse(line) as Partial<ControlRequest>;
    if (typeof value.id === 'number' && Number.isSafeInteger(value.id) && typeof value.method === 'string') {
      return { id: value.id, method: value.method, input: value.input };
    }
  } catch {
    // Not JSON: answered as not a request.
  }
  return null;
}
