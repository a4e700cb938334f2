import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { terminalLine } from '../../main/util/logger.js';

/** What pino writes for one entry, through the same serializers and redaction as the app's logger. */
function jsonOf(log: (logger: pino.Logger) => void): string {
  let line = '';
  const logger = pino(
    { redact: { paths: ['password', '*.password'], censor: '[redacted]' } },
    { write: (text: string) => (line = text) },
  );
  log(logger);
  return line;
}

describe('terminalLine: a log entry as a person at a terminal reads it', () => {
  it('gives the level in words, the message and the error code', () => {
    const json = jsonOf((log) =>
      log.warn({ code: 'KEYCHAIN_UNAVAILABLE', details: 'long text' }, 'profile stays locked'),
    );
    expect(terminalLine(json)).toBe('warning: profile stays locked (KEYCHAIN_UNAVAILABLE)');
  });

  it("adds an error's message and code", () => {
    const error = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    expect(terminalLine(jsonOf((log) => log.error({ err: error }, 'sync failed')))).toBe(
      'error: sync failed: connection reset (ECONNRESET)',
    );
  });

  it('never shows a redacted value, and passes a line that is not JSON through', () => {
    const json = jsonOf((log) => log.warn({ input: { password: 'hunter2' } }, 'refused'));
    expect(json).not.toContain('hunter2');
    expect(terminalLine(json)).toBe('warning: refused');
    expect(terminalLine('not json\n')).toBe('not json');
  });
});
