import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { databaseTargetFromUrl, openDatabase } from '../db/database.js';
import { defaultServerDataDir, sqliteFileIn } from '../data-dir.js';
import { verifyAuditAnchors, type AnchorReport } from './verify-anchors.js';
import { verifyAuditChain, type ChainReport } from './verify-chain.js';

export const AUDIT_USAGE = `Usage: npm run server -- audit verify [--data-dir DIR] [--anchors FILE] [--json]

  Walks the audit log's hash chain and reports the first entry whose hash or link does not match
  (an edited, deleted, reordered or re-inserted entry). Exit code 0: intact; 1: tampered or error.
  --data-dir DIR   the server's data dir (as for the server itself); DATABASE_URL selects PostgreSQL
  --anchors FILE   also check the signed head anchors the server wrote (its audit-anchors.jsonl, or
                   its JSON log as a log shipper kept it): a log cut short or rewritten fails
  --json           one JSON object on stdout instead of a sentence
`;

/** The chain's report, with the anchors' when they were checked. */
export type VerifyReport = ChainReport & { anchorCheck?: AnchorReport };

export type CommandOutput = { exitCode: number; stdout: string };

export function describeReport(report: VerifyReport): string {
  const anchors = report.anchorCheck;
  if (anchors && !anchors.ok) {
    return `Audit log TAMPERED at entry #${anchors.problem.seq} (${anchors.problem.kind}): ${anchors.problem.message}.`;
  }
  if (report.ok) {
    const chain =
      report.entries === 0
        ? 'Audit log intact: no entries yet.'
        : `Audit log intact: ${report.entries} entries, head #${report.headSeq} ${report.headHash}`;
    if (!anchors) return chain;
    return anchors.latest
      ? `${chain}\n${anchors.anchors} anchors match (the newest: entry #${anchors.latest.seq} at ${anchors.latest.at}), signed by the workspace key ${anchors.keyFingerprint}.`
      : `${chain}\nNo anchors in the file.`;
  }
  const { problem } = report;
  return (
    `Audit log TAMPERED at entry #${problem.seq} (${problem.kind}): ${problem.message}. ` +
    `${report.entries} entries before it verified.`
  );
}

/** `audit <subcommand>`: only `verify` for now. Returns what to print and the exit code; main.ts does the I/O. */
export async function runAuditCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandOutput> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      anchors: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'verify' || positionals.length > 1) {
    return { exitCode: values.help ? 0 : 1, stdout: AUDIT_USAGE };
  }
  const target = databaseTargetFromUrl(env.DATABASE_URL, sqliteFileIn(values['data-dir'] ?? defaultServerDataDir(env)));
  // Opening a missing SQLite file would create an empty one and report it "intact".
  if (target.kind === 'sqlite' && !existsSync(target.file)) throw new Error(`No server database at ${target.file}`);
  // Read first: a missing anchor file is an error, not a log with nothing to check.
  const anchorText = values.anchors === undefined ? undefined : readFileSync(values.anchors, 'utf8');
  const database = openDatabase(target);
  try {
    const chain = await verifyAuditChain(database.db);
    const report: VerifyReport =
      chain.ok && anchorText !== undefined
        ? { ...chain, anchorCheck: await verifyAuditAnchors(database.db, anchorText, chain.headSeq) }
        : chain;
    const intact = report.ok && report.anchorCheck?.ok !== false;
    return {
      exitCode: intact ? 0 : 1,
      stdout: values.json ? JSON.stringify(report) : describeReport(report),
    };
  } finally {
    await database.close();
  }
}
