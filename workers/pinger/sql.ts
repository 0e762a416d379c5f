// The little of SQLite the pinger's ledger needs, so the same code runs on a Durable
// Object's storage.sql and, for benchmarks, on node:sqlite.
export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

export interface SqlLike {
  exec(query: string, ...params: SqlValue[]): { toArray(): Row[]; rowsWritten: number };
}

/** storage.sql as a SqlLike (its rows may hold ArrayBuffers; the ledger stores none). */
export function durableSql(sql: SqlStorage): SqlLike {
  return { exec: (query, ...params) => sql.exec(query, ...params) as unknown as { toArray(): Row[]; rowsWritten: number } };
}
