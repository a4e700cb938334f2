import type { GrantRequestInput, GrantView } from '../../common/api/server-grants.js';
import { AppError } from '../../common/errors.js';
import type { Store } from '../store/store.js';
import { TeamServerClient } from './team-client.js';
import { TEAM_SESSION_SECRET } from './team-session.js';

/**
 * The desktop's side of just-in-time grants: requests go to the team server with the sealed session
 * of the enrollment. What the server approves arrives only through the signed policy, at the next
 * fetch; nothing here changes a right on the desktop.
 */
export class TeamGrants {
  constructor(
    private readonly store: () => Store,
    private readonly fetch?: typeof globalThis.fetch,
  ) {}

  request(input: GrantRequestInput): Promise<GrantView> {
    return this.withSession((client, token) => client.requestGrant(token, input));
  }

  list(): Promise<GrantView[]> {
    return this.withSession((client, token) => client.myGrants(token));
  }

  cancel(id: string): Promise<GrantView> {
    return this.withSession((client, token) => client.cancelGrant(token, id));
  }

  private async withSession<T>(work: (client: TeamServerClient, token: string) => Promise<T>): Promise<T> {
    const store = this.store();
    const enrollment = store.team.enrollment();
    const token = store.secrets.get(TEAM_SESSION_SECRET);
    if (!enrollment || !token) {
      throw new AppError(
        'CONFLICT',
        'This profile is not enrolled with a team server: there is nobody to ask. Enroll in Settings → Team server.',
      );
    }
    return work(new TeamServerClient(enrollment.serverUrl, this.fetch), token);
  }
}
