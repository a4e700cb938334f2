// The Gmail and Graph fakes (compiled to out/test/fakes by `npm run build`) in a process of their
// own, so that serving the API never competes with the sync under test for one event loop.
// stdin: JSON config { messages, gmail: { quotaUnits, quotaWindowMs }, graph: { windowLimit, windowMs } }.
// stdout: one JSON line with each provider's endpoints (the core's oauth.providers) once filled, then one JSON line of stats per "stats" line.
import { createInterface } from 'node:readline';
import { textMessage } from '../../out/test/fakes/gmail/corpus.js';
import { FakeGmailServer } from '../../out/test/fakes/gmail/gmail-server.js';
import { FakeGraphServer } from '../../out/test/fakes/graph/graph-server.js';
import { testMail } from '../../out/test/fakes/graph/messages.js';
import { gmailFakeConfig, graphFakeConfig } from '../../out/test/fakes/provider-config.js';

const lines = createInterface({ input: process.stdin });
const iterator = lines[Symbol.asyncIterator]();
const config = JSON.parse((await iterator.next()).value);

const gmail = await FakeGmailServer.start(config.gmail);
const graph = await new FakeGraphServer({ ...config.graph, scopes: config.graphScopes }).start();
const now = Date.now();
for (let i = 0; i < config.messages; i++) {
  const message = textMessage(i, now - 60_000);
  gmail.addMessage(message.raw, { labelIds: ['INBOX'], internalDate: message.date });
  await graph.addMessage(testMail(i, { date: new Date(now - (i + 1) * 1000) }).mime, graph.folderId('inbox'));
}
process.stdout.write(
  `${JSON.stringify({
    gmail: gmailFakeConfig(gmail),
    graph: graphFakeConfig(graph),
  })}\n`,
);
for (;;) {
  const { value, done } = await iterator.next();
  if (done || value === 'exit') break;
  if (value === 'reset') {
    gmail.resetStats();
    graph.resetStats();
  }
  if (value === 'stats') process.stdout.write(`${JSON.stringify({ gmail: gmail.stats, graph: graph.stats })}\n`);
}
await gmail.close();
await graph.stop();
process.exit(0);
