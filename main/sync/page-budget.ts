import type { Budget } from './mail-driver.js';

// The sync's page size and pipeline depth, here on their own so that the benchmark's stage probe
// (bench/lib/stage-probe.mjs) pages exactly as the sync does without loading the engine.
//
// Five pages are in flight at once (one fetching, the others parsing or waiting to be committed,
// one committing), and a parsed page holds every body as JS strings: 150 messages / 6 MB per page
// keeps the core's memory bounded whatever the mailbox size. Measured on 2 cores (bench, 10,000
// messages): three pages of 200 left the parser waiting for fetches that waited for commits; five
// of 150 overlap better in about the same peak memory (bench/results/imap-sync.md).

export const SYNC_PAGE_BUDGET: Budget = { maxMessages: 150, maxBytes: 6 * 1024 * 1024 };
export const SYNC_PAGES_IN_FLIGHT = 5;
