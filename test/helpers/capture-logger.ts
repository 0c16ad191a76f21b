import type { Logger } from '../../src/platform/logger.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every entry in `entries`, for assertions on what was logged. */
export function captureLogger(): Logger & { entries: LogEntry[]; at(level: LogEntry['level']): LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, msg, fields });
    };
  return {
    entries,
    at: (level) => entries.filter((e) => e.level === level),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
