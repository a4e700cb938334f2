/** The sealed secret holding the team server session token (set at enrollment). */
export const TEAM_SESSION_SECRET = 'team:session';
