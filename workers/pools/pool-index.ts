// PoolIndex: a single SQLite Durable Object that lists the pools, so `GET /v2/pools` is
// consistent (a KV list would lag by up to a minute). Written only when pools are created
// or deleted, never per heartbeat.
import { DurableObject } from "cloudflare:workers";
import { handOnUsage } from "../usage/hand-on.js";
import { ObjectMeter } from "../usage/tally.js";

export class PoolIndex extends DurableObject<Env> {
  private readonly meter = new ObjectMeter("PoolIndex");
  private rowsWritten = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS pools (pool_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)");
  }

  private used(): void {
    this.meter.request("rpc");
    handOnUsage(this.ctx, this.env, this.meter, this.rowsWritten);
  }

  async add(poolId: string): Promise<void> {
    this.used();
    this.rowsWritten += this.ctx.storage.sql.exec("INSERT OR IGNORE INTO pools (pool_id, created_at) VALUES (?, ?)", poolId, Date.now()).rowsWritten;
  }

  async remove(poolId: string): Promise<void> {
    this.used();
    this.rowsWritten += this.ctx.storage.sql.exec("DELETE FROM pools WHERE pool_id = ?", poolId).rowsWritten;
  }

  async list(): Promise<string[]> {
    this.used();
    return this.ctx.storage.sql.exec<{ pool_id: string }>("SELECT pool_id FROM pools ORDER BY pool_id").toArray().map((r) => r.pool_id);
  }
}
