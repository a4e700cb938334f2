import type { FastifyInstance } from 'fastify';
import {
  SecondFactorInput,
  TotpConfirmInput,
  TotpDisableInput,
  type TotpConfirmOutput,
  type TotpSetupOutput,
} from '../../../common/api/server-second-factor.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import { recordAudit } from '../../audit/audit-log.js';
import { checkSecondFactor, completeSecondFactor } from '../../auth/second-factor-login.js';
import { beginTotpSetup, confirmTotpSetup, hasSecondFactor, removeSecondFactor } from '../../auth/second-factor.js';
import { totpUri } from '../../auth/totp.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';
import { callerOf } from '../authorize.js';
import { readSessionToken } from '../session-token.js';
import { replySignIn } from './auth.js';

/** The second step of a 2FA sign-in, and setting TOTP up and turning it off. */
export function registerSecondFactorRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/auth/second-factor', async (request, reply) => {
    const input = parseBody(SecondFactorInput, request.body);
    const now = context.clock.now();
    const outcome = await completeSecondFactor(
      context,
      { ...input, currentToken: readSessionToken(request), ip: request.ip },
      now,
    );
    return replySignIn(context, request, reply, outcome, now);
  });

  // Set-up is reachable while the workspace requires 2FA and the user has none: it is the way out.
  app.post('/api/auth/totp/setup', async (request, reply) => {
    const { user } = callerOf(request);
    const secret = await beginTotpSetup(context, user.id, context.clock.now());
    const output: TotpSetupOutput = { otpauthUri: totpUri(secret, user.email), secret };
    return reply.send(ok(output));
  });

  app.post('/api/auth/totp/confirm', async (request, reply) => {
    const { user } = callerOf(request);
    const input = parseBody(TotpConfirmInput, request.body);
    const now = context.clock.now();
    const recoveryCodes = await confirmTotpSetup(context, user.id, input.code, now);
    if (!recoveryCodes) throw new AppError('VALIDATION', 'The code does not match; check the device clock and retry.');
    await recordAudit(context.db, {
      action: 'auth.2fa_enabled',
      actorUserId: user.id,
      at: now,
      target: `user:${user.id}`,
      details: { method: 'totp', recoveryCodes: recoveryCodes.length },
    });
    const output: TotpConfirmOutput = { recoveryCodes };
    return reply.send(ok(output));
  });

  // A stolen session alone can't turn 2FA off: it takes a current code, under the login throttle.
  app.post('/api/auth/totp/disable', async (request, reply) => {
    const { user } = callerOf(request);
    const input = parseBody(TotpDisableInput, request.body);
    const now = context.clock.now();
    if (!(await hasSecondFactor(context.db, user.id))) {
      throw new AppError('CONFLICT', 'Two-factor sign-in is not on for this account.');
    }
    const method = await checkSecondFactor(context, user, { ...input, ip: request.ip }, now);
    await removeSecondFactor(context.db, user.id);
    await recordAudit(context.db, {
      action: 'auth.2fa_disabled',
      actorUserId: user.id,
      at: now,
      target: `user:${user.id}`,
      details: { with: method },
    });
    return reply.send(ok({ disabled: true }));
  });
}
