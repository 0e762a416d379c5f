// A shard's order and report as they cross RPC (types.ts ShardWire): JSON text, the order
// written from the config text the store already keeps, so the tick neither walks nor
// serialises a thousand Space objects.
import type { PlannedSpace, ShardReport, ShardWire, ShardWireReport } from "./types.js";

/** The order's Spaces as JSON text (each Space's config as stored, when the store gave it). */
export function orderText(spaces: PlannedSpace[]): string {
  const parts = spaces.map((p) => `{"space":${p.text ?? JSON.stringify(p.space)},"slot_key":${JSON.stringify(p.slot_key)},"hf":${JSON.stringify(p.hf)}}`);
  return `[${parts.join(",")}]`;
}

export const readOrder = (wire: ShardWire): PlannedSpace[] => JSON.parse(wire.spaces) as PlannedSpace[];

export const writeReport = (r: ShardReport): ShardWireReport => ({ ...r, results: JSON.stringify(r.results) });

export const readReport = (r: ShardWireReport): ShardReport => ({ ...r, results: JSON.parse(r.results) as ShardReport["results"] });
