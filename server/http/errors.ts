import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, type AppErrorShape, type ErrorCode } from '../../common/errors.js';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  AUTH: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMIT: 429,
  TEMPORARY: 503,
};

export function httpStatusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export function sendError(reply: FastifyReply, error: AppErrorShape): FastifyReply {
  if (error.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
  // `details` are for the log: the client gets the code, the message and when to retry.
  const body: AppErrorShape = { code: error.code, message: error.message };
  if (error.retryAfterMs !== undefined) body.retryAfterMs = error.retryAfterMs;
  return reply.status(httpStatusFor(error.code)).send({ ok: false, error: body });
}

/** Every failure leaves as `{ok:false, error:{code, message}}` with its HTTP status; nothing else leaks. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.details !== undefined) request.log.info({ code: error.code, details: error.details }, error.message);
      return sendError(reply, error.toShape());
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 413) return sendError(reply, { code: 'TOO_LARGE', message: 'The request body is too large.' });
    if (status === 415) {
      return sendError(reply, { code: 'VALIDATION', message: 'Send the request body as application/json.' });
    }
    if (status >= 400 && status < 500) {
      return sendError(reply, { code: 'VALIDATION', message: 'The request is malformed.' });
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, { code: 'INTERNAL', message: 'Something went wrong on the server.' });
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, { code: 'NOT_FOUND', message: 'No such route.' }));
}
