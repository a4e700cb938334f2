import { BLOCKED_RULE, blockedExplanation, entryMatches } from '../../common/domain/blocklist.js';
import type { BlockRule } from '../store/repositories/blocklist-repository.js';
import type { DecisionRecord, LinkableMessage } from '../store/repositories/crm-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { decide, ownDomainsOf, type LinkContext } from './linking-rules.js';

export type ContactLinkerOptions = {
  /** Messages linked per transaction; between batches the event loop runs (sync, calls). */
  batchSize?: number;
  /**
   * How long schedule() waits before linking: a sync commits a page every few milliseconds, and
   * linking after each one would put a transaction of its own between every two pages. Waiting
   * gathers several pages into a batch and keeps the first moments of a sync for the sync.
   */
  delayMs?: number;
  /**
   * True while the sync is busy with a pass: scheduled linking then waits, and linking already
   * under way stops after the batch in hand, so the sync keeps the CPU and the store (measured:
   * linking during an initial sync of 50,000 messages made it ~25% slower; a pushed message waited
   * behind a linking batch at every await of its pass, +400-600 ms while a big backlog was linked);
   * what was queued is linked once the pass ends. drain() (asked for by a contacts call) does not
   * wait, nor lets a linking run it joined give way.
   */
  busy?: () => boolean;
};

const BUSY_RETRY_MS = 1000;

/**
 * Turns synced mail into contacts and companies, incrementally. The sync's own transaction queues
 * every new message (a trigger, migration 0004); the linker takes the queue in small batches, each
 * batch one transaction that also dequeues it, so it never holds the event loop for long and a
 * kill -9 at any point resumes where the last committed batch ended. Decisions are deterministic,
 * so linking a message twice (a re-queue) changes nothing.
 */
export class ContactLinker {
  private running: Promise<boolean> | null = null;
  private again = false;
  /** A caller waits for the queue (drain()): the run in progress goes to the end, busy or not. */
  private mustFinish = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly delayMs: number;
  private readonly busy: () => boolean;

  constructor(
    private readonly store: () => Store,
    private readonly log: Logger,
    options: ContactLinkerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.delayMs = options.delayMs ?? 500;
    this.busy = options.busy ?? (() => false);
  }

  /** New mail was committed (or the profile opened): link it soon, without waiting. */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (this.busy()) {
          this.schedule();
          return;
        }
        this.run().catch((error: unknown) => this.log.warn({ err: error }, 'linking contacts from mail failed'));
      },
      this.busy() ? BUSY_RETRY_MS : this.delayMs,
    );
  }

  /** Resolves once every message queued before the call is linked. */
  async drain(): Promise<void> {
    // A background run may give way just as this joins it: run again until one goes to the end.
    do this.mustFinish = true;
    while (!(await this.run()) && !this.stopped);
  }

  /**
   * Links the queue batch by batch; true when it went to the end (or was stopped). Unless a caller
   * waits for it (mustFinish), it gives way to a sync pass between batches (false) and is scheduled
   * again for after it.
   */
  private run(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<boolean> => {
      do {
        this.again = false;
        while (!this.stopped) {
          if (!this.mustFinish && this.busy()) return false;
          if (this.linkBatchOrSkip() === 0) break;
          await yieldToEventLoop();
        }
      } while (this.again && !this.stopped);
      return true;
    };
    // Cleared after the assignment: a run that finds nothing to do completes synchronously.
    const running = run().then(
      (finished) => {
        this.settle(running);
        if (finished) this.mustFinish = false;
        else this.schedule();
        return finished;
      },
      (error: unknown) => {
        this.settle(running);
        throw error;
      },
    );
    this.running = running;
    return this.running;
  }

  private settle(run: Promise<boolean>): void {
    if (this.running === run) this.running = null;
  }

  /** Stops after the batch in hand; what is left stays queued for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * A batch, or when it fails its messages one by one: a message that cannot be linked (a bug, a
   * row the rules cannot read) is logged and taken off the queue, so it never blocks the mail
   * after it nor the contacts calls that wait for the queue.
   */
  private linkBatchOrSkip(): number {
    try {
      return this.linkBatch();
    } catch (error) {
      this.log.warn({ err: error }, 'linking a batch of mail failed; linking its messages one by one');
    }
    const crm = this.store().crm;
    const ids = crm.queued(this.batchSize).map((message) => message.id);
    for (const id of ids) {
      try {
        this.linkBatch(new Date().toISOString(), id);
      } catch (error) {
        this.log.warn({ err: error, messageId: id }, 'a message could not be linked to contacts; skipped');
        crm.dequeue(id);
      }
    }
    return ids.length;
  }

  /** Links one batch in one transaction; returns how many messages it took off the queue. */
  linkBatch(now: string = new Date().toISOString(), only?: number): number {
    const crm = this.store().crm;
    const messages =
      only === undefined ? crm.queued(this.batchSize) : crm.queued(1, only).filter((message) => message.id === only);
    if (messages.length === 0) return 0;
    const accounts = new Map<string, ReturnType<typeof accountContext>>();
    // Blocked senders (read with the batch): their addresses make and link no contact.
    const blocked = this.store().blocklist.rules();
    crm.inTransaction(() => {
      for (const message of messages) {
        let account = accounts.get(message.accountId);
        if (account === undefined) {
          account = accountContext(crm.accountSettings(message.accountId));
          accounts.set(message.accountId, account);
        }
        if (account === null) continue; // its account is gone: the cascade removes the message too
        const learnt = learnOwnAddresses(message, account.own);
        if (learnt.length) account.domains = ownDomainsOf(account.own);
        crm.linkMessage(message, decisionsFor(message, account, blocked), learnt, now);
      }
    });
    return messages.length;
  }
}

type AccountContext = { mode: LinkContext['mode']; own: Set<string>; domains: Set<string> };

function accountContext(settings: ReturnType<Store['crm']['accountSettings']>): AccountContext | null {
  if (!settings) return null;
  const own = new Set([settings.email, ...settings.ownAddresses]);
  return { mode: settings.mode, own, domains: ownDomainsOf(own) };
}

/** The sender of mail the user sent is one of their addresses (an alias when it is not the account's). */
function learnOwnAddresses(message: LinkableMessage, own: Set<string>): string[] {
  if (message.direction !== 'sent') return [];
  const learnt: string[] = [];
  for (const { role, address } of message.participants) {
    const value = address.address.trim().toLowerCase();
    if (role === 'from' && value.includes('@') && !own.has(value)) {
      own.add(value);
      learnt.push(value);
    }
  }
  return learnt;
}

function decisionsFor(message: LinkableMessage, account: AccountContext, blocked: BlockRule[]): DecisionRecord[] {
  const seen = new Set<string>();
  const decisions: DecisionRecord[] = [];
  for (const { role, address } of message.participants) {
    const key = `${role} ${address.address.trim().toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const block = blocked.find((rule) => entryMatches(rule, address.address));
    if (block) {
      const value = address.address.trim().toLowerCase();
      decisions.push({
        address: value,
        displayName: address.name,
        role,
        create: false,
        rule: BLOCKED_RULE,
        explanation: blockedExplanation(value, block),
        company: null,
      });
      continue;
    }
    const decision = decide(address.address, {
      role,
      direction: message.direction,
      mode: account.mode,
      repliesToSent: message.repliesToSent,
      listId: message.listId,
      listUnsubscribe: message.listUnsubscribe,
      precedence: message.precedence,
      autoSubmitted: message.autoSubmitted,
      ownAddresses: account.own,
      ownDomains: account.domains,
    });
    decisions.push({
      address: address.address.trim().toLowerCase(),
      displayName: address.name,
      role,
      create: decision.create,
      rule: decision.rule,
      explanation: decision.explanation,
      company: decision.company,
    });
  }
  return decisions;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
