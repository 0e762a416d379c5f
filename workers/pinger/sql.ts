// The little of SQLite the pinger's ledger needs, so the same code runs on a Durable
// Object's storage.sql and, for benchmarks, on node:sqlite. Blobs go in as Uint8Array and come
// back as ArrayBuffer (a Durable Object) or Uint8Array (node:sqlite): readers take either.
export type SqlValue = string | number | null | Uint8Array | ArrayBuffer;
export type Row = Record<string, string | number | null | ArrayBuffer | Uint8Array>;

export interface SqlLike {
  exec(query: string, ...params: SqlValue[]): { toArray(): Row[]; rowsWritten: number };
}

/** storage.sql as a SqlLike; a Uint8Array is bound as the ArrayBuffer of exactly its bytes. */
export function durableSql(sql: SqlStorage): SqlLike {
  const bind = (v: SqlValue) => (v instanceof Uint8Array ? (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v.buffer : v.slice().buffer) : v);
  return { exec: (query, ...params) => sql.exec(query, ...params.map(bind)) as unknown as { toArray(): Row[]; rowsWritten: number } };
}
