import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../../common/errors.js';
import { recordAudit } from '../audit/audit-log.js';
import { revokeSessionsOfUser } from '../auth/sessions.js';
import type { ServerContext } from '../context.js';
import type { ActiveSsoConfig } from './sso-config.js';

/**
 * OpenID Connect Back-Channel Logout 1.0: the IdP tells the server, machine to machine, that a person
 * signed out there (or was signed out: an account disabled, a session ended by an IdP admin), and the
 * sessions that sign-in opened here end too. Without it a Clientele session outlived the IdP's by up
 * to its own lifetime (14 days idle, 30 in all).
 */

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token issued longer ago than this is refused: the IdP sends it as the sign-out happens. */
const MAX_AGE_SECONDS = 10 * 60;
/** How far the IdP's clock may be from this server's. */
const CLOCK_TOLERANCE_SECONDS = 60;

/** What a valid logout token asks for: the IdP session (`sid`) or every session of a person (`sub`). */
export type LogoutRequest = { subject: string | undefined; sid: string | undefined; issuedAt: number };

/**
 * Checks a logout token as §2.6 says: signed by the IdP's keys, issuer, audience (this server's client
 * id), issued recently (iat, with jti), the back-channel logout event, a `sub` or a `sid`, and no
 * `nonce` (which would make it an ID token). VALIDATION when it is not one; TEMPORARY when the IdP's
 * discovery or keys cannot be read now (the IdP may send it again).
 */
export async function verifyLogoutToken(
  context: ServerContext,
  config: ActiveSsoConfig,
  token: string,
  now: number,
): Promise<LogoutRequest> {
  const { issuer, keys } = await context.oidc.logoutTokenKeys(config);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer,
      audience: config.clientId,
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_AGE_SECONDS,
      requiredClaims: ['iat', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
      throw new AppError('TEMPORARY', "The identity provider's signing keys could not be read.", {
        details: { reason: error instanceof Error ? error.message : String(error) },
      });
    }
    throw refused(`it does not verify (${error.code})`);
  }
  const events = payload.events as Record<string, unknown> | undefined;
  if (typeof events !== 'object' || events === null || typeof events[BACKCHANNEL_EVENT] !== 'object') {
    throw refused('it does not carry the back-channel logout event');
  }
  if (payload.nonce !== undefined) throw refused('it carries a nonce (an ID token is not a logout token)');
  const subject = typeof payload.sub === 'string' ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  if (subject === undefined && sid === undefined) throw refused('it names neither a session (sid) nor a person (sub)');
  return { subject, sid, issuedAt: payload.iat! * 1000 };
}

function refused(why: string): AppError {
  return new AppError('VALIDATION', `The logout token was refused: ${why}.`);
}

/**
 * Ends what a logout token names. A `sid` names one session at the IdP: the web sessions it opened
 * here end (a desktop's team connection, a device of its own, stays). A `sub` alone means every
 * session of that person at the IdP: all of their single sign-on sessions here end, web and desktop,
 * those opened after the token was issued excepted, so a token replayed later ends nothing new.
 * Password sessions are not the IdP's and stay. Audited as `auth.sso_logout` when it ended something.
 */
export async function endSessionsAtIdpRequest(
  context: ServerContext,
  issuer: string,
  request: LogoutRequest,
  now: number,
): Promise<number> {
  return context.db.transaction().execute(async (trx) => {
    let userId: string | undefined;
    let revokedSessions = 0;
    if (request.sid !== undefined) {
      const opened = await trx
        .selectFrom('sso_sessions')
        .innerJoin('sessions', 'sessions.id', 'sso_sessions.session_id')
        .select(['sessions.id', 'sessions.user_id'])
        .where('sso_sessions.issuer', '=', issuer)
        .where('sso_sessions.sid', '=', request.sid)
        .where('sessions.revoked_at', 'is', null)
        .execute();
      userId = opened[0]?.user_id;
      if (opened.length > 0) {
        const result = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where(
            'id',
            'in',
            opened.map((session) => session.id),
          )
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        revokedSessions = Number(result.numUpdatedRows);
      }
    } else {
      const identity = await trx
        .selectFrom('user_identities')
        .select('user_id')
        .where('issuer', '=', issuer)
        .where('subject', '=', request.subject!)
        .executeTakeFirst();
      userId = identity?.user_id;
      if (userId !== undefined) {
        revokedSessions = await revokeSessionsOfUser(trx, userId, now, {
          method: 'sso',
          openedBy: request.issuedAt + CLOCK_TOLERANCE_SECONDS * 1000,
        });
      }
    }
    if (revokedSessions > 0) {
      await recordAudit(trx, {
        action: 'auth.sso_logout',
        actorUserId: userId ?? null,
        at: now,
        details: {
          issuer,
          ...(request.sid !== undefined ? { sid: request.sid } : { subject: request.subject }),
          revokedSessions,
        },
      });
    }
    return revokedSessions;
  });
}
