// A client as an outside developer writes it: types generated from the edge's served
// /openapi.json by openapi-typescript (../output/api.d.ts, written by openapi-client.test.mjs)
// and openapi-fetch for the calls. `tsc` checks this file against the generated types, so a
// document without named schemas, or with a body type that differs from the answers, fails.
import createClient from "openapi-fetch";
import type { components, paths } from "../output/api.js";

type PoolSnapshot = components["schemas"]["PoolSnapshot"];
type PoolHeartbeat = components["schemas"]["PoolHeartbeat"];
type SpaceReport = components["schemas"]["SpaceReport"];

export async function exercise(baseUrl: string, adminToken: string, poolId: string) {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });
  const issued = await admin.POST("/v1/admin/pools/{id}/tokens", { params: { path: { id: poolId } }, body: { label: "generated client" } });
  if (issued.data === undefined) throw new Error(`token: ${JSON.stringify(issued.error)}`);
  const token: string = issued.data.token;

  const pool = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
  // Optional fields with defaults (model_ref, uri, ...) may be left out of a request.
  const heartbeat: PoolHeartbeat = {
    pool_id: poolId,
    host_id: "client-host",
    timestamp: new Date().toISOString(),
    gpus: [{ id: 0, device_name: "NVIDIA H100", total_vram_bytes: 80e9, free_vram_bytes: 60e9 }],
    workers: [{ id: "client-worker", status: "idle" }],
  };
  const ack = await pool.POST("/v2/pools/{id}/heartbeat", { params: { path: { id: poolId } }, body: heartbeat });
  const snap = await pool.GET("/v2/pools/{id}", { params: { path: { id: poolId }, query: { state: "fresh" } } });
  if (snap.data === undefined) throw new Error(`snapshot: ${JSON.stringify(snap.error)}`);
  const snapshot: PoolSnapshot = snap.data;
  // Answers have every field, defaults filled in: no undefined check needed.
  const modelRefs: (string | null)[] = snapshot.workers.map((w) => w.model_ref);
  const freeBytes: (number | null)[] = snapshot.gpus.map((g) => g.free_vram_bytes);
  // Never called: it only has to fail to compile (it would compile if the types were any).
  const _typed = () => {
    // @ts-expect-error a GPU list is not a number
    snapshot.gpus.toFixed();
  };

  const foreign = await createClient<paths>({ baseUrl, headers: { authorization: "Bearer ept.other.x.y" } }).GET("/v2/pools/{id}", { params: { path: { id: poolId } } });
  const errorCode: string | undefined = foreign.error?.error.code;

  const spaces = await admin.GET("/v1/spaces");
  const reports: SpaceReport[] = spaces.data?.spaces ?? [];

  void _typed;
  return { ackStatus: ack.data?.status, snapshotStatus: snap.response.status, workers: snapshot.workers.length, modelRefs, freeBytes, foreignStatus: foreign.response.status, errorCode, spaces: reports.length };
}
