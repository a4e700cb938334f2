import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeTextCursor, encodeCursor } from '../../main/store/repositories/keyset-cursor.js';

describe('keyset cursors', () => {
  it('round-trips a sort key with a row id, and with a text tie-breaker', () => {
    expect(decodeCursor(encodeCursor('2026-11-01T10:00:00.000Z', 42))).toEqual({
      key: '2026-11-01T10:00:00.000Z',
      id: 42,
    });
    expect(decodeTextCursor(encodeCursor('2026-11-01T10:00:00.000Z', 'n:7'))).toEqual({
      key: '2026-11-01T10:00:00.000Z',
      tie: 'n:7',
    });
  });

  it('reads a cursor that is not ours, or of the other shape, as the top of the list', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
    expect(decodeCursor(encodeCursor('Ada', 'n:7'))).toBeNull();
    expect(decodeTextCursor(encodeCursor('Ada', 7))).toBeNull();
  });
});
