// The peer of the policy-fetch benchmark: a bare Fastify server (same version as the team server,
// no logger, no hooks, no database) that answers GET /api/policy with the exact bytes and headers
// the team server sent for one fetch. It runs in a process of its own, as the team server does, so
// neither competes with the load generator for one event loop.
// stdin: one JSON line { body, headers }. stdout: one JSON line { url } once listening.
import Fastify from 'fastify';
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin });
const iterator = lines[Symbol.asyncIterator]();
const { body, headers } = JSON.parse((await iterator.next()).value);
const bytes = Buffer.from(body, 'utf8');

const app = Fastify({ logger: false });
app.get('/api/policy', (_request, reply) => {
  reply.headers(headers);
  return reply.send(bytes);
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
// Closing stdin (or "exit") stops it.
for (;;) {
  const { value, done } = await iterator.next();
  if (done || value === 'exit') break;
}
await app.close();
process.exit(0);
