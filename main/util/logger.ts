import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Field names whose values never reach a log line, wherever they sit in the object. */
const REDACT = [
  'password',
  'recoveryKey',
  'key',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'cookie',
  '*.password',
  '*.recoveryKey',
  '*.key',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.cookie',
  'input.password',
  'input.recoveryKey',
];

/**
 * Structured logs on stderr (stdout belongs to the CLI's output). Level from
 * CLIENTELE_LOG_LEVEL, default 'info' for the app and 'warn' for the CLI. `forTerminal`: one
 * readable line per entry (the CLI at a terminal), instead of JSON (files, pipes, log collectors).
 */
export function createLogger(
  name: string,
  defaultLevel: pino.Level = 'info',
  options: { forTerminal?: boolean } = {},
): Logger {
  const stderr = pino.destination(2);
  return pino(
    {
      name,
      level: process.env.CLIENTELE_LOG_LEVEL ?? defaultLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    options.forTerminal ? { write: (line: string) => stderr.write(`${terminalLine(line)}\n`) } : stderr,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/**
 * One pino JSON entry as a person reads it: `warning: profile stays locked (KEYCHAIN_UNAVAILABLE)`,
 * with the error's message when there is one. Redaction happened before (pino serializes redacted).
 */
export function terminalLine(json: string): string {
  let entry: { level?: number; msg?: string; code?: unknown; err?: { message?: unknown; code?: unknown } };
  try {
    entry = JSON.parse(json) as typeof entry;
  } catch {
    return json.trimEnd();
  }
  const level = LEVEL_NAMES[entry.level ?? 30] ?? 'log';
  const code =
    typeof entry.code === 'string' ? entry.code : typeof entry.err?.code === 'string' ? entry.err.code : null;
  const because = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
  return `${level}: ${entry.msg ?? ''}${because}${code ? ` (${code})` : ''}`;
}

/** For tests and embedding: a logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
