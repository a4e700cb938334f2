import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../common/errors.js';
import { writeFileAtomic } from '../../util/atomic-file.js';

export const ProfileRecord = z.object({
  version: z.literal(1),
  id: z.uuid(),
  displayName: z.string(),
  createdAt: z.string(),
});
export type ProfileRecord = z.infer<typeof ProfileRecord>;

/** profile.json marks a complete profile: it is written last when a profile is created. */
export function readProfileRecord(path: string): ProfileRecord | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = ProfileRecord.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new AppError('INTERNAL', `The profile description at ${path} is damaged.`, { details: parsed.error.issues });
  }
  return parsed.data;
}

export function writeProfileRecord(path: string, record: ProfileRecord): void {
  writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
