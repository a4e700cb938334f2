/**
 * Opaque keyset-pagination cursors for the CRM lists and the record timeline: the last row's sort
 * key and its tie-breaker, as base64url JSON. A cursor that is not one of ours, or not of the
 * shape the list expects, decodes to null: that list starts from the top.
 */
export function encodeCursor(key: string, tie: string | number): string {
  return Buffer.from(JSON.stringify([key, tie])).toString('base64url');
}

/** A cursor whose tie-breaker is a row id (contacts, companies, deals). */
export function decodeCursor(cursor: string | undefined): { key: string; id: number } | null {
  const pair = decodePair(cursor);
  return pair && typeof pair[1] === 'number' ? { key: pair[0], id: pair[1] } : null;
}

/** A cursor whose tie-breaker is text (the timeline's item key). */
export function decodeTextCursor(cursor: string | undefined): { key: string; tie: string } | null {
  const pair = decodePair(cursor);
  return pair && typeof pair[1] === 'string' ? { key: pair[0], tie: pair[1] } : null;
}

function decodePair(cursor: string | undefined): [string, string | number] | null {
  if (!cursor) return null;
  try {
    const [key, tie] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof key === 'string' && (typeof tie === 'string' || typeof tie === 'number')) return [key, tie];
  } catch {
    // fall through: a cursor that is not ours starts from the top
  }
  return null;
}
