// A store made before the history's blocks keeps its history: its per-Space day rows and JSON
// hour rows are carried into blocks a slice a tick, after which the uptime windows are what
// they were, and the old tables are gone.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { spaceStore } from "../objects.js";
import { SpaceLedger } from "./ledger.js";
import { durableSql } from "./sql.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-20T10:30:00Z");
const TODAY = Math.floor(NOW / DAY);
const draft = (at: number) => ({ at, started_at: at, finished_at: at, plan_ms: 0, shards_ms: 0, source: "cron" as const, due: 0, checked: 0, skipped: 0, lost: 0, shards: 0, confirmations: 0, regions: [], subrequests: 0, max_subrequests_per_shard: 0, max_in_flight: 0 });

it("carries an older store's day rows and hour rows into blocks, then drops the old tables", async () => {
  await runInDurableObject(spaceStore(env, "legacy-1"), (_o: unknown, state: DurableObjectState) => {
    const sql = state.storage.sql;
    // The old format, as the previous version wrote it.
    for (const t of ["spaces", "days", "hour_acc", "tick_checks", "hours", "day_blocks", "ticks", "hour_log"]) sql.exec(`DROP TABLE IF EXISTS ${t}`);
    sql.exec("DELETE FROM meta");
    sql.exec("CREATE TABLE spaces (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, off INTEGER NOT NULL, ivl INTEGER NOT NULL, config TEXT NOT NULL) WITHOUT ROWID");
    sql.exec(`CREATE TABLE days (id TEXT NOT NULL, day INTEGER NOT NULL, up INTEGER NOT NULL, total INTEGER NOT NULL, lat_sum INTEGER NOT NULL, lat_n INTEGER NOT NULL, hours TEXT NOT NULL,
      cum_up INTEGER NOT NULL, cum_total INTEGER NOT NULL, last_at INTEGER, last_outcome TEXT, last_status INTEGER, last_latency INTEGER, regions TEXT, detail TEXT, PRIMARY KEY (id, day)) WITHOUT ROWID`);
    sql.exec("CREATE TABLE hour_acc (hour INTEGER PRIMARY KEY, data TEXT NOT NULL, detail TEXT, rolled INTEGER NOT NULL DEFAULT 0)");
    sql.exec("CREATE TABLE tick_checks (slot INTEGER PRIMARY KEY, at INTEGER NOT NULL, data TEXT NOT NULL)");
    const space = (id: string) => JSON.stringify({ id, name: id, url: `https://${id}.example`, interval_s: 300, method: "GET", timeout_s: 10, critical: false, hf_restart: false, expect_pingback: false });
    sql.exec("INSERT INTO spaces VALUES ('a', 0, 0, 300, ?), ('b', 1, 0, 300, ?)", space("a"), space("b"));
    // "a": 40 days of 288 checks, 10 failed each day; "b": only the last 3 days, all good.
    let cum = 0;
    for (let d = TODAY - 40; d < TODAY; d++) {
      cum += 288;
      sql.exec("INSERT INTO days (id, day, up, total, lat_sum, lat_n, hours, cum_up, cum_total) VALUES ('a', ?, 278, 288, 27800, 278, '{}', ?, ?)", d, cum - ((d - (TODAY - 41)) * 10), cum);
    }
    for (let d = TODAY - 3; d < TODAY; d++) sql.exec("INSERT INTO days (id, day, up, total, lat_sum, lat_n, hours, cum_up, cum_total) VALUES ('b', ?, 288, 288, 14400, 288, '{}', ?, ?)", d, (d - TODAY + 4) * 288, (d - TODAY + 4) * 288);
    // Today's 10:00 hour, not rolled up: "a" 6 checks (1 failed), "b" 6 good.
    const hour = Math.floor(NOW / 3_600_000);
    sql.exec("INSERT INTO hour_acc (hour, data) VALUES (?, ?)", hour, JSON.stringify({ a: [5, 6, 500, 5, NOW - 60_000, "up", 200, 100], b: [6, 6, 300, 6, NOW - 60_000, "up", 200, 50] }));

    const l = new SpaceLedger(durableSql(sql));
    expect(l.space("a")?.slot).toBe(0);
    // A tick a minute, each followed by its upkeep step, carries a day over each (the hour last): 44 ticks.
    let at = NOW;
    for (let i = 0; i < 44; i++) {
      l.record((at += 60_000), [], draft(at), { down_after: 2, up_after: 1 });
      l.maintain(at);
    }
    const tables = (sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray() as { name: string }[]).map((r) => r.name);
    for (const old of ["days", "hour_acc", "tick_checks"]) expect(tables).not.toContain(old);
    const a = l.history.spaceHistory(0, at);
    expect(a.windows["7d"]).toEqual({ up: 6 * 278 + 5, total: 6 * 288 + 6 });
    expect(a.windows["30d"]).toEqual({ up: 29 * 278 + 5, total: 29 * 288 + 6 });
    expect(a.windows["90d"]).toEqual({ up: 40 * 278 + 5, total: 40 * 288 + 6 });
    expect(a.windows["24h"]).toEqual({ up: 5, total: 6 });
    expect(a.first_day).toBe(TODAY - 40);
    expect(a.last?.at).toBe(NOW - 60_000);
    const b = l.history.spaceHistory(1, at);
    expect(b.windows["90d"]).toEqual({ up: 3 * 288 + 6, total: 3 * 288 + 6 });
    expect(b.first_day).toBe(TODAY - 3);
    expect(b.latency_24h_ms).toBe(Math.round((14400 + 300) / (288 + 6)));
  });
});
