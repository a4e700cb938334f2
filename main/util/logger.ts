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
 * CLIENTELE_LOG_LEVEL, default 'info' for the app and 'warn' for the CLI.
 */
export function createLogger(name: string, defaultLevel: pino.Level = 'info'): Logger {
  return pino(
    {
      name,
      level: process.env.CLIENTELE_LOG_LEVEL ?? defaultLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

/** For tests and embedding: a logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
