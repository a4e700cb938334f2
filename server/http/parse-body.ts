import type { z } from 'zod';
import { AppError } from '../../common/errors.js';

/** Validates a body (or params) against its zod schema; the first issue becomes the user-facing message. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new AppError('VALIDATION', `${where}${issue?.message ?? 'Invalid request.'}`, {
    details: { issues: result.error.issues },
  });
}
