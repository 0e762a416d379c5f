// SQLite rows of one PoolRegistry. Row shapes stay apart from API shapes; every write
// goes through `write()` so the object can report rows written (the Free plan's budget).
// Text-keyed tables are WITHOUT ROWID (no second index row per write), and events use a
// plain INTEGER PRIMARY KEY (AUTOINCREMENT would write sqlite_sequence on every insert;
// trimming only removes the oldest rows, so sequence numbers still only grow).
import type { FlushRecord, GpuReport, LivenessState, PoolEvent, PoolEventKind, TokenScope, WorkerReport } from "../../shared/index.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workers (
  id TEXT PRIMARY KEY, host_id TEXT, report TEXT NOT NULL, health TEXT,
  state TEXT NOT NULL, last_seen INTEGER NOT NULL, sender_ts INTEGER, joined_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hosts (
  id TEXT PRIMARY KEY, gpus TEXT NOT NULL, gpus_received_at INTEGER NOT NULL,
  state TEXT NOT NULL, last_seen INTEGER NOT NULL, sender_ts INTEGER, joined_at INTEGER NOT NULL,
  sidecar_version TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL,
  subject TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS volatile (
  chunk INTEGER PRIMARY KEY, data TEXT NOT NULL, flushed_at INTEGER NOT NULL, dirty INTEGER NOT NULL, flush_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, label TEXT, created_at INTEGER NOT NULL, revoked_at INTEGER);
`;

/** Events kept per pool; older ones are trimmed in batches. */
export const EVENTS_KEPT = 1000;

export interface WorkerRow {
  id: string;
  host_id: string | null;
  report: string;
  health: string | null;
  state: LivenessState;
  last_seen: number;
  sender_ts: number | null;
  joined_at: number;
}

export interface HostRow {
  id: string;
  /** The heartbeat-sidecar version the host last reported; null for seed hives. */
  sidecar_version: string | null;
  gpus: string;
  gpus_received_at: number;
  state: LivenessState;
  last_seen: number;
  sender_ts: number | null;
  joined_at: number;
}

export interface TokenRow {
  id: string;
  hash: string;
  label: string | null;
  scope: TokenScope;
  created_at: number;
  revoked_at: number | null;
}

/**
 * Volatile state of up to 1,000 senders in one row: last-seen times, sender timestamps,
 * worker status and GPU readings. Written together by a flush, never per heartbeat.
 */
export interface VolatileChunk {
  /** worker id -> [last_seen, sender_ts, status, seen_bound when later than last_seen] */
  w: Record<string, [number, number | null, string, number?]>;
  /** host id -> [last_seen, sender_ts, gpus, gpus_received_at, seen_bound when later than last_seen] */
  h: Record<string, [number, number | null, GpuReport[], number, number?]>;
  /** Heartbeat counters (first chunk only), so /metrics counts survive hibernation. */
  c?: HeartbeatCounters;
}

export interface HeartbeatCounters {
  accepted: number;
  /** By reason: unauthorized, invalid_body, ignored (older than the last one), ... */
  rejected: Record<string, number>;
}

type SqlValue = string | number | null;

export class RegistryStore {
  /** Rows written since this object started (SQLite's own count, indexes included). */
  rowsWritten = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    addColumn(sql, "ALTER TABLE hosts ADD COLUMN sidecar_version TEXT");
    // Tokens issued before scopes could send heartbeats and read: they are write tokens.
    addColumn(sql, "ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write'");
    this.lastSeq = sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? 0;
  }

  private write(query: string, ...params: SqlValue[]): void {
    this.rowsWritten += this.sql.exec(query, ...params).rowsWritten;
  }

  /** A statement of a table kept beside the registry's (reservations, drains), counted like the rest. */
  run(query: string, ...params: SqlValue[]): void {
    this.write(query, ...params);
  }

  rows<T>(query: string, ...params: SqlValue[]): T[] {
    return this.sql.exec(query, ...params).toArray() as T[];
  }

  getMeta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.write("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  loadWorkers(): WorkerRow[] {
    return this.sql.exec<WorkerRow & Record<string, SqlValue>>("SELECT * FROM workers").toArray();
  }

  loadHosts(): HostRow[] {
    return this.sql.exec<HostRow & Record<string, SqlValue>>("SELECT * FROM hosts").toArray();
  }

  putWorker(row: WorkerRow): void {
    this.write(
      `INSERT INTO workers (id, host_id, report, health, state, last_seen, sender_ts, joined_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET host_id = excluded.host_id, report = excluded.report,
         health = excluded.health, state = excluded.state, last_seen = excluded.last_seen,
         sender_ts = excluded.sender_ts`,
      row.id, row.host_id, row.report, row.health, row.state, row.last_seen, row.sender_ts, row.joined_at,
    );
  }

  deleteWorker(id: string): void {
    this.write("DELETE FROM workers WHERE id = ?", id);
  }

  putHost(row: HostRow): void {
    this.write(
      `INSERT INTO hosts (id, gpus, gpus_received_at, state, last_seen, sender_ts, joined_at, sidecar_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET gpus = excluded.gpus, gpus_received_at = excluded.gpus_received_at,
         state = excluded.state, last_seen = excluded.last_seen, sender_ts = excluded.sender_ts,
         sidecar_version = excluded.sidecar_version`,
      row.id, row.gpus, row.gpus_received_at, row.state, row.last_seen, row.sender_ts, row.joined_at, row.sidecar_version,
    );
  }

  deleteHost(id: string): void {
    this.write("DELETE FROM hosts WHERE id = ?", id);
  }

  addEvent(at: number, kind: PoolEventKind, subject: string, detail: Record<string, unknown>): void {
    this.write("INSERT INTO events (at, kind, subject, detail) VALUES (?, ?, ?, ?)", at, kind, subject, JSON.stringify(detail));
    const seq = this.sql.exec<{ seq: number }>("SELECT last_insert_rowid() AS seq").one().seq;
    this.lastSeq = seq;
    // Trim in batches of 100 so the log costs about one extra row per event, not a scan each time.
    if (seq % 100 === 0) this.write("DELETE FROM events WHERE seq <= ?", seq - EVENTS_KEPT);
    this.onEvent?.();
  }

  /** The newest event's number (0: none yet); alerts forward everything after their cursor. */
  lastSeq = 0;

  /** Called after each event is written: the one place streams and long-polls learn of events. */
  onEvent: (() => void) | null = null;

  listEvents(afterSeq: number, limit: number): PoolEvent[] {
    return this.sql
      .exec<{ seq: number; at: number; kind: PoolEventKind; subject: string; detail: string }>(
        "SELECT seq, at, kind, subject, detail FROM events WHERE seq > ? ORDER BY seq ASC LIMIT ?",
        afterSeq,
        limit,
      )
      .toArray()
      .map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), kind: r.kind, subject: r.subject, detail: JSON.parse(r.detail) }));
  }

  loadVolatile(): { flush: FlushRecord | null; chunks: VolatileChunk[] } {
    const rows = this.sql
      .exec<{ data: string; flushed_at: number; dirty: number; flush_ms: number }>("SELECT data, flushed_at, dirty, flush_ms FROM volatile ORDER BY chunk")
      .toArray();
    const first = rows[0];
    if (first === undefined) return { flush: null, chunks: [] };
    return {
      flush: { flushedAtMs: first.flushed_at, dirty: first.dirty === 1, flushIntervalMs: first.flush_ms },
      chunks: rows.map((r) => JSON.parse(r.data) as VolatileChunk),
    };
  }

  /** Replaces every volatile row in one go (all statements of one event commit together). */
  writeVolatile(chunks: VolatileChunk[], flush: FlushRecord): void {
    chunks.forEach((chunk, i) => {
      this.write(
        "INSERT OR REPLACE INTO volatile (chunk, data, flushed_at, dirty, flush_ms) VALUES (?, ?, ?, ?, ?)",
        i, JSON.stringify(chunk), flush.flushedAtMs, flush.dirty ? 1 : 0, flush.flushIntervalMs,
      );
    });
    if (this.volatileRows > chunks.length) this.write("DELETE FROM volatile WHERE chunk >= ?", chunks.length);
    this.volatileRows = chunks.length;
  }

  private volatileRows = Infinity;

  loadTokens(): TokenRow[] {
    return this.sql.exec<TokenRow & Record<string, SqlValue>>("SELECT * FROM tokens ORDER BY created_at").toArray();
  }

  addToken(row: TokenRow): void {
    this.write("INSERT INTO tokens (id, hash, label, scope, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)", row.id, row.hash, row.label, row.scope, row.created_at);
  }

  revokeToken(id: string, at: number): void {
    this.write("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, id);
  }
}

/** A column added after tables were first created: new tables have it already, older ones get it once. */
function addColumn(sql: SqlStorage, alter: string): void {
  try {
    sql.exec(alter);
  } catch (err) {
    if (!/duplicate column/i.test(String(err))) throw err;
  }
}

export function parseWorkerReport(json: string): WorkerReport {
  return JSON.parse(json) as WorkerReport;
}

export function parseGpus(json: string): GpuReport[] {
  return JSON.parse(json) as GpuReport[];
}
