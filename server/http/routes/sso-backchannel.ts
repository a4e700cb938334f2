import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../common/errors.js';
import type { ServerContext } from '../../context.js';
import { endSessionsAtIdpRequest, verifyLogoutToken } from '../../sso/backchannel-logout.js';
import { isActive, readSsoConfig } from '../../sso/sso-config.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../sso-urls.js';

/** A logout token is a few hundred bytes to a few KB: nothing bigger is read. */
const FORM_LIMIT_BYTES = 16 * 1024;

/**
 * The IdP's back-channel logout (OpenID Connect Back-Channel Logout 1.0, §2.5 and §2.8): a form POST
 * with `logout_token`, answered 200 (empty) when it was taken, 400 `{error, error_description}` when
 * it is not a logout token this server accepts, 503 when the IdP's keys cannot be read now. Public:
 * the IdP is the caller, and the token's signature is what vouches for it. Refusals are logged, not
 * audited: anyone can post here, and the audit log is no place for their noise.
 */
export function registerSsoBackchannelRoute(app: FastifyInstance, context: ServerContext): void {
  // Encapsulated: the form parser serves this route alone (the API speaks JSON).
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, parsed) => parsed(null, new URLSearchParams(body as string)),
    );
    scope.post(BACKCHANNEL_LOGOUT_PATH, async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const token = request.body instanceof URLSearchParams ? request.body.get('logout_token') : null;
      if (!token) return refuse(reply, 400, 'invalid_request', 'Expected a form with logout_token.');
      const config = await readSsoConfig(context);
      if (!isActive(config)) return refuse(reply, 400, 'invalid_request', 'Single sign-on is off on this server.');
      const now = context.clock.now();
      try {
        const logout = await verifyLogoutToken(context, config, token, now);
        const revokedSessions = await endSessionsAtIdpRequest(context, config.issuer, logout, now);
        request.log.info({ revokedSessions, sid: logout.sid, subject: logout.subject }, 'back-channel logout');
        return reply.code(200).send();
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'VALIDATION' && error.code !== 'TEMPORARY')) throw error;
        request.log.info({ code: error.code, details: error.details }, error.message);
        return error.code === 'TEMPORARY'
          ? refuse(reply, 503, 'temporarily_unavailable', error.message)
          : refuse(reply, 400, 'invalid_request', error.message);
      }
    });
    done();
  });
}

function refuse(reply: FastifyReply, status: 400 | 503, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, error_description: description });
}
