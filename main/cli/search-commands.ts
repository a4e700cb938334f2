import { InvalidArgumentError, type Command } from 'commander';
import type { SearchIndexing, SearchResults } from '../../common/domain/search.js';
import type { Result } from '../../common/result.js';
import { call, withCore, type ActionFactory } from './context.js';
import { emit } from './output.js';
import { ProgressLine, withShareDone } from './progress-line.js';

/** `clientele search QUERY`: indexes what the last sync added, then searches (search.messages). */
export function registerSearchCommands(program: Command, action: ActionFactory): void {
  program
    .command('search')
    .description('Search synced mail (subject, body, participants); newest first unless --ranked')
    .argument('<query...>', 'words to find (all of them; the last one may be the start of a word)')
    .option('--ranked', 'best matches first (bm25) instead of newest first')
    .option('--limit <n>', 'how many hits (1-100)', limitOf, 25)
    .option('--account <id>', 'only this account')
    .option('--cursor <cursor>', 'the next page: `next` of the previous --json result')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const [words] = command.processedArgs as [string[]];
          const { ranked, limit, account, cursor } = command.opts<{
            ranked?: boolean;
            limit: number;
            account?: string;
            cursor?: string;
          }>();
          const input = {
            query: words.join(' '),
            order: ranked ? 'ranked' : 'newest',
            limit,
            ...(account ? { accountId: account } : {}),
            ...(cursor ? { cursor } : {}),
          };
          // After a big sync the index may lag by thousands of messages, which takes a while to catch
          // up (about a minute for 50,000): say so (on stderr, --json too) rather than sit silent, with
          // the share done at a terminal. A quick look first tells.
          const search = (catchUp: boolean): Promise<Result<SearchResults>> =>
            call(core, 'search.messages', { ...input, catchUp }) as Promise<Result<SearchResults>>;
          const look = await search(false);
          const pending = look.ok ? look.value.indexing.pending : 0;
          if (!look.ok || pending === 0) return emit(look, options.json === true, describeResults);
          if (pending < NOTICE_FROM) return emit(await search(true), options.json === true, describeResults);
          const line = new ProgressLine(
            process.stderr,
            `Indexing ${pending} new messages for search first (only once)…`,
          );
          const result = await withShareDone(
            search(true),
            async () => {
              const now = (await call(core, 'search.indexing', {})) as Result<SearchIndexing>;
              return now.ok ? 1 - now.value.pending / pending : null;
            },
            line,
          );
          line.end(result.ok ? 'done' : 'failed');
          return emit(result, options.json === true, describeResults);
        }),
      ),
    );
}

/** A backlog this size takes long enough (seconds) to be worth a line. */
const NOTICE_FROM = 500;

/** `clientele status`'s line on the search index. */
export function describeSearchIndexing(indexing: SearchIndexing): string {
  if (indexing.done) return 'Search: every synced message is searchable';
  const count = indexing.pending === 1 ? '1 message' : `${indexing.pending} messages`;
  return (
    `Search: ${count} not searchable yet (${Math.floor(indexing.progress * 100)}% indexed): ` +
    'the app indexes them in the background, and `clientele search` before it answers'
  );
}

function limitOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('a whole number from 1 to 100');
  return n;
}

function describeResults(results: SearchResults): string {
  if (results.hits.length === 0) return 'No message matches.';
  const lines = results.hits.map((hit) => {
    const from = hit.from ? hit.from.name || hit.from.address : '';
    // Matches in [brackets]: a terminal has no <mark>.
    const snippet = hit.snippet.map((piece) => (piece.match ? `[${piece.text}]` : piece.text)).join('');
    return `#${hit.messageId}  ${hit.date.slice(0, 10)}  ${from}  ${hit.subject ?? '(no subject)'}\n    ${snippet}`;
  });
  if (results.next) lines.push(`More: --cursor ${results.next}`);
  return lines.join('\n');
}
