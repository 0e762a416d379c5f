// Types for bench-lib.mjs, which the TypeScript tests import.
export function freePort(): Promise<number>;
export function startWrangler(opts?: { port?: number; vars?: Record<string, string>; args?: string[] }): Promise<{ base: string; stop(): Promise<void> }>;
export function percentile(sorted: number[], p: number): number;
export function load(opts: {
  count: number;
  concurrency?: number;
  ratePerSec?: number | null;
  make: (i: number) => { url: string; init: RequestInit };
}): Promise<{ count: number; errors: number; wall_s: number; per_s: number; p50_ms: number; p99_ms: number }>;
export interface RunCount {
  requests: number;
  open: number;
  max: number;
}
export function countRun(runs: Map<string, RunCount>, req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void;
