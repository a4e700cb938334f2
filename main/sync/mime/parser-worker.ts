import { parentPort, type MessagePort } from 'node:worker_threads';
import { messageIdentity } from '../threading.js';
import { parseMessage } from './parse-message.js';
import type { ParseRequest, WorkerReply } from './worker-protocol.js';

// Entry of a parser worker thread (see parser-pool.ts). Requests are parsed one at a time; the pool
// owns every failure mode: a parse that hangs is terminated, one that crashes (out of memory, an
// exception thrown from inside mailparser's stream callbacks) ends this thread, and the pool
// answers with a header-only parse of its own. So nothing here catches beyond parseMessage.

const port = workerPort();

// The pool posts several requests ahead (see MAX_IN_FLIGHT_JOBS in parser-pool.ts): they are
// parsed one at a time, in order, so the pool's timer always concerns the first unanswered one.
const waiting: ParseRequest[] = [];
let running = false;

port.on('message', (request: ParseRequest) => {
  waiting.push(request);
  if (!running) void drain();
});
// Static imports are loaded by now: from here on a message's time is parsing time.
port.postMessage({ type: 'ready' } satisfies WorkerReply);

async function drain(): Promise<void> {
  running = true;
  for (let request = waiting.shift(); request; request = waiting.shift()) await reply(request);
  running = false;
}

async function reply(request: ParseRequest): Promise<void> {
  const parsed = await parseMessage(Buffer.from(request.source), { maxTextChars: request.maxTextChars });
  const identity = request.identify ? messageIdentity(parsed) : null;
  const message: WorkerReply = { type: 'parsed', id: request.id, parsed, identity };
  // A reply that cannot be posted rejects here, unhandled: that ends the thread, which the pool
  // reports as parser-crashed for this message.
  port.postMessage(message);
}

function workerPort(): MessagePort {
  if (!parentPort) throw new Error('parser-worker.js runs only as a worker thread (see parser-pool.ts)');
  return parentPort;
}
