import { base64url } from 'jose';
import { AppError } from '../../common/errors.js';
import type { Policy } from '../../common/rbac/permissions.js';
import { offlineDeadline, PolicyDocument, toPolicy } from '../../common/rbac/policy.js';
import type { PolicySource } from '../core/api/dispatcher.js';
import type { TeamRepository } from '../store/repositories/team-repository.js';
import type { Logger } from '../util/logger.js';
import { verifyPolicy, type PolicyVerdict } from './policy-verifier.js';

/** Milliseconds since the epoch; injected so tests control expiry and the offline grace. */
export type Clock = () => number;

const NOTHING: Policy['permissions'] = {};

/**
 * The policy of a profile enrolled with a team server: the last signed policy that passed
 * verification, kept in the encrypted store. It holds while the server cannot be reached until its
 * expiry plus the admin's offline grace; after that the profile fails closed into a read-only lock
 * (only 'view' passes, with the reason), never open. A profile enrolled but not yet given a policy
 * can do nothing that needs a permission.
 */
export class ServerPolicySource implements PolicySource {
  private cache: { repo: TeamRepository; jws: string; document: PolicyDocument } | null = null;
  private accepting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly team: () => TeamRepository,
    private readonly log: Logger,
    readonly now: Clock = Date.now,
  ) {}

  current(): Policy {
    const repo = this.team();
    const enrollment = repo.enrollment();
    if (!enrollment) throw new AppError('FORBIDDEN', 'This profile is not enrolled with a team server.');
    const document = this.stored(repo);
    if (!document) {
      return {
        source: 'server',
        userId: enrollment.userId,
        permissions: NOTHING,
        readOnlyReason: 'No policy has been received from the team server yet. Connect to it to continue.',
      };
    }
    const policy = toPolicy(document);
    const deadline = offlineDeadline(document);
    if (this.now() >= deadline) {
      policy.readOnlyReason =
        `Read-only: the team policy expired offline since ${document.expiresAt} and its ` +
        `${document.offlineGraceHours} h grace ended ${new Date(deadline).toISOString()}. ` +
        'Connect to the team server to continue.';
    }
    return policy;
  }

  /** The stored policy's version and ETag, for If-None-Match; null before the first policy. */
  storedEtag(): string | null {
    return this.team().policy()?.etag ?? null;
  }

  /**
   * Verifies a policy from the server and, when it passes, makes it the one in force (and keeps it in
   * the store). A refused one changes nothing: the previous good policy stays.
   */
  accept(jws: string, etag: string | null): Promise<PolicyVerdict> {
    // One at a time: two fetches racing must not both pass the version check against the same stored one.
    const run = this.accepting.then(() => this.acceptNow(jws, etag));
    this.accepting = run.catch(() => undefined);
    return run;
  }

  private async acceptNow(jws: string, etag: string | null): Promise<PolicyVerdict> {
    const repo = this.team();
    const enrollment = repo.enrollment();
    if (!enrollment) {
      return { ok: false, code: 'POLICY_WRONG_WORKSPACE', message: 'This profile is not enrolled with a team server.' };
    }
    const verdict = await verifyPolicy(jws, enrollment, this.stored(repo), this.now());
    if (!verdict.ok) {
      this.log.warn({ code: verdict.code, reason: verdict.message }, 'team policy refused; the previous one stays');
      repo.enqueueAudit('policy.rejected', { code: verdict.code, message: verdict.message }, new Date(this.now()));
      return verdict;
    }
    repo.savePolicy({ version: verdict.document.version, jws, etag }, new Date(this.now()));
    this.cache = { repo, jws, document: verdict.document };
    this.log.info({ version: verdict.document.version }, 'team policy in force');
    return verdict;
  }

  /**
   * The stored policy's document. It passed verification before it was stored, and the store is
   * encrypted and authenticated, so its payload is read back without checking the signature again.
   */
  private stored(repo: TeamRepository): PolicyDocument | null {
    const row = repo.policy();
    if (!row) return null;
    if (this.cache && this.cache.repo === repo && this.cache.jws === row.jws) return this.cache.document;
    const payload = row.jws.split('.')[1] ?? '';
    const document = PolicyDocument.parse(JSON.parse(new TextDecoder().decode(base64url.decode(payload))));
    this.cache = { repo, jws: row.jws, document };
    return document;
  }
}
