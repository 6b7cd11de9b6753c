import { AbstractLogger, LogLevel, LogMessage } from 'typeorm';
import type { Logger as Pino } from 'pino';
import { loggableError } from '../errors/format-error';

/**
 * TypeORM logger that counts SQL statements (tests and the benchmark assert on the count) and
 * reports slow queries and errors to pino. Query parameters are never logged: they hold
 * personal data.
 */
export class QueryCounter extends AbstractLogger {
  statements = 0;

  constructor(private readonly pino?: Pino) {
    super(['query', 'error', 'warn']);
  }

  override logQuery(): void {
    this.statements += 1;
  }

  override logQueryError(error: string | Error): void {
    this.pino?.warn({ err: loggableError(error) }, 'sql error');
  }

  protected writeLog(level: LogLevel, message: LogMessage | LogMessage[]): void {
    if (level !== 'warn' && level !== 'error') return;
    for (const m of Array.isArray(message) ? message : [message]) {
      if (m.type === 'query' || m.type === 'query-error') continue;
      this.pino?.warn({ typeorm: m.type }, String(m.message ?? ''));
    }
  }
}
