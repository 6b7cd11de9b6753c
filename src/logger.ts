import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. Personal data and tokens must never reach them: the redact list is a
 * second line of defence for the places where a request or error object is logged whole.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kluis' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'token', '*.token', 'variables', '*.variables'],
      censor: '[redacted]',
    },
  });
}
