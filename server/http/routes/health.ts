import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { HealthOutput } from '../../../common/api/server-auth.js';
import { AppError } from '../../../common/errors.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';

/** For load balancers: 200 when this instance can reach its database, 503 when it can't. */
export function registerHealthRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/health', async (request, reply) => {
    try {
      await sql`SELECT 1`.execute(context.db);
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unreachable');
      throw new AppError('TEMPORARY', 'The database is unreachable.');
    }
    const output: HealthOutput = { status: 'ok', database: context.kind };
    return reply.send(ok(output));
  });
}
