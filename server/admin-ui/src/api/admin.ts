import type {
  AccountResetOutput,
  PasswordChangeChallengeOutput,
  PasswordChangeOutput,
} from '../../../../common/api/server-account-recovery.js';
import type {
  AccountSessionView,
  IdentityUnlinkOutput,
  UserIdentityView,
  UserSessionView,
} from '../../../../common/api/server-admin-accounts.js';
import type { AuditActions, AuditPage, AuditVerifyView } from '../../../../common/api/server-admin-audit.js';
import type {
  NewUserInput,
  RoleInput,
  RoleUpdate,
  RoleView,
  TeamUpdate,
  TeamView,
  UserView,
} from '../../../../common/api/server-admin.js';
import type { LoginOutput, LogoutOutput } from '../../../../common/api/server-auth.js';
import type { GrantView } from '../../../../common/api/server-grants.js';
import type { SsoConfigInput, SsoConfigView, SsoStatus } from '../../../../common/api/server-sso.js';
import type {
  SecondFactorChallengeOutput,
  TotpConfirmOutput,
  TotpSetupOutput,
  WorkspaceSecuritySettings,
} from '../../../../common/api/server-second-factor.js';
import type { Result } from '../../../../common/result.js';
import { query, request } from './http.js';

/** The team server's routes the admin pages use, typed with the shapes of common/api. */

/** A session (perhaps with 2FA still to set up); or the next step: a code, or a new password in place of a temporary one. */
export type SignedIn = LoginOutput & { secondFactor?: 'setup_required'; message?: string };
export type LoginAnswer = SecondFactorChallengeOutput | PasswordChangeChallengeOutput | SignedIn;

export const api = {
  session: (): Promise<Result<AccountSessionView>> => request('GET', '/api/auth/session'),
  login: (email: string, password: string): Promise<Result<LoginAnswer>> =>
    request('POST', '/api/auth/login', { email, password }),
  secondFactor: (
    challenge: string,
    answer: { code: string } | { recoveryCode: string },
  ): Promise<Result<PasswordChangeChallengeOutput | SignedIn>> =>
    request('POST', '/api/auth/second-factor', { challenge, ...answer }),
  newPassword: (challenge: string, newPassword: string): Promise<Result<SignedIn>> =>
    request('POST', '/api/auth/new-password', { challenge, newPassword }),
  ssoStatus: (): Promise<Result<SsoStatus>> => request('GET', '/api/auth/sso/status'),
  logout: (): Promise<Result<LogoutOutput>> => request('POST', '/api/auth/logout'),
  bootstrap: (token: string, email: string, password: string): Promise<Result<LoginOutput>> =>
    request('POST', '/api/auth/bootstrap', { token, email, password }),
  totpSetup: (): Promise<Result<TotpSetupOutput>> => request('POST', '/api/auth/totp/setup'),
  totpConfirm: (code: string): Promise<Result<TotpConfirmOutput>> =>
    request('POST', '/api/auth/totp/confirm', { code }),
  changePassword: (currentPassword: string, newPassword: string): Promise<Result<PasswordChangeOutput>> =>
    request('POST', '/api/auth/password', { currentPassword, newPassword }),

  users: (): Promise<Result<UserView[]>> => request('GET', '/api/admin/users'),
  createUser: (input: NewUserInput): Promise<Result<UserView>> => request('POST', '/api/admin/users', input),
  setUserDisabled: (userId: string, disabled: boolean): Promise<Result<{ disabled: boolean }>> =>
    request('PUT', `/api/admin/users/${userId}/status`, { disabled }),
  assignRole: (userId: string, roleId: string): Promise<Result<{ assigned: boolean }>> =>
    request('PUT', `/api/admin/users/${userId}/roles/${roleId}`),
  unassignRole: (userId: string, roleId: string): Promise<Result<{ unassigned: boolean }>> =>
    request('DELETE', `/api/admin/users/${userId}/roles/${roleId}`),
  resetPassword: (userId: string, newPassword: string): Promise<Result<AccountResetOutput>> =>
    request('PUT', `/api/admin/users/${userId}/password`, { newPassword }),
  resetSecondFactor: (userId: string): Promise<Result<AccountResetOutput>> =>
    request('DELETE', `/api/admin/users/${userId}/second-factor`),
  userIdentities: (userId: string): Promise<Result<UserIdentityView[]>> =>
    request('GET', `/api/admin/users/${userId}/identities`),
  unlinkIdentity: (userId: string, identityId: string): Promise<Result<IdentityUnlinkOutput>> =>
    request('DELETE', `/api/admin/users/${userId}/identities/${identityId}`),
  userSessions: (userId: string): Promise<Result<UserSessionView[]>> =>
    request('GET', `/api/admin/users/${userId}/sessions`),
  revokeSession: (sessionId: string): Promise<Result<{ revoked: boolean }>> =>
    request('DELETE', `/api/admin/sessions/${sessionId}`),

  roles: (): Promise<Result<RoleView[]>> => request('GET', '/api/admin/roles'),
  createRole: (input: RoleInput): Promise<Result<RoleView>> => request('POST', '/api/admin/roles', input),
  updateRole: (id: string, update: RoleUpdate): Promise<Result<RoleView>> =>
    request('PUT', `/api/admin/roles/${id}`, update),
  deleteRole: (id: string): Promise<Result<{ deleted: boolean }>> => request('DELETE', `/api/admin/roles/${id}`),

  teams: (): Promise<Result<TeamView[]>> => request('GET', '/api/admin/teams'),
  createTeam: (name: string, parentId: string | null): Promise<Result<TeamView>> =>
    request('POST', '/api/admin/teams', { name, parentId }),
  updateTeam: (id: string, update: TeamUpdate): Promise<Result<TeamView>> =>
    request('PUT', `/api/admin/teams/${id}`, update),
  deleteTeam: (id: string): Promise<Result<{ deleted: boolean }>> => request('DELETE', `/api/admin/teams/${id}`),
  setMember: (teamId: string, userId: string, manager: boolean): Promise<Result<unknown>> =>
    request('PUT', `/api/admin/teams/${teamId}/members/${userId}`, { manager }),
  removeMember: (teamId: string, userId: string): Promise<Result<unknown>> =>
    request('DELETE', `/api/admin/teams/${teamId}/members/${userId}`),

  settings: (): Promise<Result<WorkspaceSecuritySettings>> => request('GET', '/api/admin/settings'),
  saveSettings: (input: Partial<WorkspaceSecuritySettings>): Promise<Result<WorkspaceSecuritySettings>> =>
    request('PUT', '/api/admin/settings', input),

  sso: (): Promise<Result<SsoConfigView>> => request('GET', '/api/admin/sso'),
  saveSso: (input: SsoConfigInput): Promise<Result<SsoConfigView>> => request('PUT', '/api/admin/sso', input),

  grantsPending: (): Promise<Result<GrantView[]>> => request('GET', '/api/grants/pending'),
  grantsActive: (): Promise<Result<GrantView[]>> => request('GET', '/api/grants/active'),
  grantsHistory: (): Promise<Result<GrantView[]>> => request('GET', '/api/grants/history'),
  approveGrant: (id: string, minutes: number | undefined): Promise<Result<GrantView>> =>
    request('POST', `/api/grants/${id}/approve`, minutes === undefined ? {} : { minutes }),
  denyGrant: (id: string, note: string): Promise<Result<GrantView>> =>
    request('POST', `/api/grants/${id}/deny`, note ? { note } : {}),
  revokeGrant: (id: string, note: string): Promise<Result<GrantView>> =>
    request('POST', `/api/grants/${id}/revoke`, note ? { note } : {}),

  audit: (params: { before?: number; action?: string; actor?: string; limit?: number }): Promise<Result<AuditPage>> =>
    request('GET', `/api/admin/audit${query(params)}`),
  auditActions: (): Promise<Result<AuditActions>> => request('GET', '/api/admin/audit/actions'),
  auditVerify: (): Promise<Result<AuditVerifyView>> => request('GET', '/api/admin/audit/verify'),
};
