// GET /metrics in the Prometheus text format (version 0.0.4): Spaces, pools, GPUs, the
// pinger and alerts. Labels carry names and ids, never URLs, worker URIs or tokens. Spaces come
// METRICS_PART a part in the list's order (?part=2 ...); every other series is in part 1 only,
// so a scrape of each part never repeats a series.
// Counters are kept by the Durable Objects (pings in the SpaceStore's tick summary,
// heartbeats in each registry's flushed state), so they survive hibernation; a registry
// restarted between flushes can lose up to one flush interval of counts, which Prometheus
// reads as a counter reset.
import { METRICS_PART } from "../../shared/api.js";
import type { MetricsData } from "./overview.js";

type Labels = Record<string, string | number>;

const escape = (v: string | number) => String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

class Exposition {
  private readonly lines: string[] = [];

  /** `samples`: labels as an object, or already written (a Space's, made once per Space: see renderMetrics). */
  family(name: string, type: "gauge" | "counter", help: string, samples: [Labels | string, number][]): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = typeof labels === "string" ? labels : Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(",");
      this.lines.push(`${name}${l.length > 0 ? `{${l}}` : ""} ${Number.isFinite(value) ? value : "NaN"}`);
    }
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

export function renderMetrics(o: MetricsData): string {
  const m = new Exposition();
  const spaces = o.spaces.spaces;
  const STATES = ["up", "down", "waking", "degraded", "unknown"] as const;

  // Each Space's labels written once, then reused by every family (a part is METRICS_PART Spaces).
  const base = spaces.map((s) => `space_id="${escape(s.id)}",name="${escape(s.name)}"`);
  const per = <T>(pick: (s: (typeof spaces)[number], labels: string) => T[]): T[] => spaces.flatMap((s, i) => pick(s, base[i]!));
  m.family("edge_pulse_space_up", "gauge", "1 when the Space's state is up, 0 when down, waking or degraded (unknown Spaces are left out).",
    per((s, l) => (s.state === "unknown" ? [] : [[l, s.state === "up" ? 1 : 0] as [string, number]])));
  m.family("edge_pulse_space_state", "gauge", "1 for the Space's current state.",
    per((s, l) => STATES.map((st): [string, number] => [`${l},state="${st}"`, s.state === st ? 1 : 0])));
  m.family("edge_pulse_space_latency_seconds", "gauge", "Response time of the Space's last check.",
    per((s, l) => (s.last_check?.latency_ms == null ? [] : [[l, s.last_check.latency_ms / 1000] as [string, number]])));
  m.family("edge_pulse_space_uptime_ratio", "gauge", "Share of good checks over the window.",
    per((s, l) => (["24h", "7d", "30d", "90d"] as const).filter((w) => s.uptime[w] !== null).map((w): [string, number] => [`${l},window="${w}"`, s.uptime[w]!])));
  m.family("edge_pulse_space_maintenance", "gauge", "1 while a maintenance window covers the Space (its checks alert nothing and count for no uptime).",
    per((s, l) => [[l, s.maintenance === null ? 0 : 1] as [string, number]]));
  // With PING_REGIONS: each region's latest check (a confirming region's can be old: it checks only failures).
  m.family("edge_pulse_space_region_up", "gauge", "1 when the region's latest check of the Space found it up.",
    per((s, l) => s.regions.map((r): [string, number] => [`${l},region="${escape(r.region)}"`, r.outcome === "up" ? 1 : 0])));
  m.family("edge_pulse_space_region_latency_seconds", "gauge", "Response time of the region's latest check of the Space.",
    per((s, l) => s.regions.filter((r) => r.latency_ms !== null).map((r): [string, number] => [`${l},region="${escape(r.region)}"`, r.latency_ms! / 1000])));
  m.family("edge_pulse_space_pingback_timestamp_seconds", "gauge", "The latest ping-back from inside the Space (GET /health?space=<id>).",
    per((s, l) => (s.pingback.last_at === null ? [] : [[l, Date.parse(s.pingback.last_at) / 1000] as [string, number]])));
  m.family("edge_pulse_space_last_check_timestamp_seconds", "gauge", "When the Space was last checked.",
    per((s, l) => (s.last_check === null ? [] : [[l, Date.parse(s.last_check.at) / 1000] as [string, number]])));

  const p = o.spaces.pinger;
  if (p === null) return m.toString();
  m.family("edge_pulse_metrics_parts", "gauge", `How many parts /metrics has (?part=1..N, ${METRICS_PART} Spaces each): scrape each as a target.`, [[{}, o.spaces.parts]]);
  const t = p.totals;
  m.family("edge_pulse_pings_sent_total", "counter", "HTTP requests sent to Spaces, retries included.", t === null ? [] : [[{}, t.attempts]]);
  m.family("edge_pulse_pings_failed_total", "counter", "Checks that found a Space down or waking (each after its retries).", t === null ? [] : [[{}, t.checks.down + t.checks.waking]]);
  m.family("edge_pulse_checks_total", "counter", "Checks by outcome (skipped: budget spent; lost: shard failed; degraded: answered from one region only, or without pinging back).",
    t === null ? [] : Object.entries(t.checks).map(([outcome, n]) => [{ outcome }, n]));
  m.family("edge_pulse_ticks_total", "counter", "Cron ticks that ran.", t === null ? [] : [[{}, t.ticks]]);
  const last = p.last_tick;
  m.family("edge_pulse_pinger_last_tick_timestamp_seconds", "gauge", "When the last tick finished (alert when this stops moving).", last === null ? [] : [[{}, Date.parse(last.finished_at) / 1000]]);
  m.family("edge_pulse_pinger_cron_late", "gauge", "1 when the last tick was run by the pinger's own alarm because the Cron Trigger is late.", last === null ? [] : [[{}, last.source === "alarm" ? 1 : 0]]);
  m.family("edge_pulse_pinger_last_tick_duration_seconds", "gauge", "How long the last tick took.", last === null ? [] : [[{}, (Date.parse(last.finished_at) - Date.parse(last.started_at)) / 1000]]);
  m.family("edge_pulse_space_config_errors", "gauge", "Entries of the Space list that could not be used.", [[{}, p.config_errors]]);

  const pools = o.pools;
  m.family("edge_pulse_pool_workers", "gauge", "Workers by state.",
    pools.flatMap((p) => (["fresh", "stale"] as const).map((st): [Labels, number] => [{ pool: p.snapshot.pool_id, state: st }, p.snapshot.counts.workers[st]])));
  m.family("edge_pulse_pool_hosts", "gauge", "Hosts by state.",
    pools.flatMap((p) => (["fresh", "stale"] as const).map((st): [Labels, number] => [{ pool: p.snapshot.pool_id, state: st }, p.snapshot.counts.hosts[st]])));
  m.family("edge_pulse_pool_vram_total_bytes", "gauge", "VRAM of readable GPUs on fresh hosts.", pools.map((p) => [{ pool: p.snapshot.pool_id }, p.snapshot.vram.total_bytes]));
  m.family("edge_pulse_pool_vram_free_bytes", "gauge", "Free VRAM of readable GPUs on fresh hosts.", pools.map((p) => [{ pool: p.snapshot.pool_id }, p.snapshot.vram.free_bytes]));
  m.family("edge_pulse_pool_gpus_unknown", "gauge", "GPUs on fresh hosts whose VRAM could not be read.", pools.map((p) => [{ pool: p.snapshot.pool_id }, p.snapshot.vram.unknown_gpus]));
  const gpus = pools.flatMap((p) => p.snapshot.gpus.map((g) => ({ pool: p.snapshot.pool_id, g })));
  const gpuLabels = (pool: string, g: (typeof gpus)[number]["g"]): Labels => ({ pool, host: g.host_id, gpu: String(g.id), device: g.device_name ?? "unknown" });
  // A GPU that could not be read has no sample at all: no invented zero.
  m.family("edge_pulse_gpu_vram_total_bytes", "gauge", "A GPU's VRAM.", gpus.filter(({ g }) => g.total_vram_bytes != null).map(({ pool, g }) => [gpuLabels(pool, g), g.total_vram_bytes!]));
  m.family("edge_pulse_gpu_vram_free_bytes", "gauge", "A GPU's free VRAM at its host's last heartbeat.", gpus.filter(({ g }) => g.free_vram_bytes != null).map(({ pool, g }) => [gpuLabels(pool, g), g.free_vram_bytes!]));
  m.family("edge_pulse_gpu_fresh", "gauge", "1 when the GPU's host is fresh.", gpus.map(({ pool, g }) => [gpuLabels(pool, g), g.state === "fresh" ? 1 : 0]));
  m.family("edge_pulse_heartbeats_accepted_total", "counter", "Heartbeats accepted.", pools.map((p) => [{ pool: p.snapshot.pool_id }, p.counters.accepted]));
  m.family("edge_pulse_heartbeats_rejected_total", "counter", "Heartbeats refused, by reason.",
    pools.flatMap((p) => Object.entries(p.counters.rejected).map(([reason, n]): [Labels, number] => [{ pool: p.snapshot.pool_id, reason }, n])));

  const open = o.incidents?.open ?? [];
  m.family("edge_pulse_incidents_open", "gauge", "Open incidents by subject.",
    (["space", "worker", "host", "pool", "pinger"] as const).map((s) => [{ subject: s }, open.filter((i) => i.subject === s).length]));
  // The usage meter (workers/usage/): today's use per quota of the plan, the forecast to
  // 00:00 UTC, the quota itself, and what uses it; the governor's stretch.
  const u = p.usage;
  m.family("edge_pulse_usage_used", "gauge", "Today's use of the quota so far (UTC day; duration in GB-s).", u.quotas.map((q) => [{ quota: q.quota, plan: u.plan }, q.used]));
  m.family("edge_pulse_usage_forecast", "gauge", "Expected use of the quota by 00:00 UTC at the last hour's rate.", u.quotas.map((q) => [{ quota: q.quota, plan: u.plan }, q.forecast]));
  m.family("edge_pulse_usage_limit", "gauge", "The plan's quota per day (paid: included per month / 30).", u.quotas.map((q) => [{ quota: q.quota, plan: u.plan }, q.limit]));
  m.family("edge_pulse_usage_part", "gauge", "Today's use of the quota by what uses it (a route family, a Durable Object class and cause, a store).",
    u.quotas.flatMap((q) => q.by.map((p): [Labels, number] => [{ quota: q.quota, what: p.what }, p.used])));
  m.family("edge_pulse_usage_subrequests", "gauge", "External subrequests today by what made them (limited per invocation, not per day).", u.subrequests.by.map((p) => [{ what: p.what }, p.used]));
  m.family("edge_pulse_governor_stretch", "gauge", "Factor the governor multiplies non-critical Spaces' intervals by to stay inside the plan (1: not slowed).", [[{}, u.governor.stretch]]);

  return m.toString();
}
