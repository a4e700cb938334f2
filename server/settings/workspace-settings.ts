import type { Kysely } from 'kysely';
import { WorkspaceSecuritySettings } from '../../common/api/server-second-factor.js';
import type { Clock } from '../clock.js';
import type { ServerDatabase } from '../db/schema.js';
import { compileAllowlist, type AddressMatcher } from '../net/ip-allowlist.js';

export type WorkspaceSettings = WorkspaceSecuritySettings & { allowlist: AddressMatcher };

/**
 * The workspace settings, read from the database with a short cache: the IP allowlist is checked on
 * every request, and instances stay stateless (a change made on another instance shows within the TTL).
 */
export class WorkspaceSettingsStore {
  private cached: { settings: WorkspaceSettings; readAt: number } | undefined;

  constructor(
    private readonly db: Kysely<ServerDatabase>,
    private readonly clock: Clock,
    readonly cacheMs = 5_000,
  ) {}

  /** The settings if the cache holds them (younger than cacheMs), without waiting: the per-request checks. */
  peek(): WorkspaceSettings | undefined {
    const now = this.clock.now();
    if (this.cached && now - this.cached.readAt < this.cacheMs && now >= this.cached.readAt) {
      return this.cached.settings;
    }
    return undefined;
  }

  async get(): Promise<WorkspaceSettings> {
    const cached = this.peek();
    if (cached) return cached;
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('workspace_settings')
      .select(['require_2fa', 'ip_allowlist', 'grant_max_minutes', 'offline_grace_hours'])
      .where('singleton', '=', 1)
      .executeTakeFirstOrThrow();
    // Parsed again on the way out: a row edited by hand into something invalid fails loudly, not open.
    const parsed = WorkspaceSecuritySettings.parse({
      require2fa: row.require_2fa === 1,
      ipAllowlist: JSON.parse(row.ip_allowlist) as unknown,
      grantMaxMinutes: Number(row.grant_max_minutes),
      offlineGraceHours: Number(row.offline_grace_hours),
    });
    const settings: WorkspaceSettings = { ...parsed, allowlist: compileAllowlist(parsed.ipAllowlist) };
    this.cached = { settings, readAt: now };
    return settings;
  }

  async save(settings: WorkspaceSecuritySettings, now: number): Promise<void> {
    await this.db
      .updateTable('workspace_settings')
      .set({
        require_2fa: settings.require2fa ? 1 : 0,
        ip_allowlist: JSON.stringify(settings.ipAllowlist),
        grant_max_minutes: settings.grantMaxMinutes,
        offline_grace_hours: settings.offlineGraceHours,
        updated_at: now,
      })
      .where('singleton', '=', 1)
      .execute();
    this.cached = undefined;
  }
}
