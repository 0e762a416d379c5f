// Charts drawn on the server as inline SVG (no client library, nothing to load): a Space's
// latency per hour over 24 h (p50 as a line, max as light bars, hours with failures marked
// in red) and a GPU's VRAM used over 24 h. Each is one role="img" element whose label says
// in words what the drawing shows, so neither colour nor sight is needed to read it.
import { raw } from "hono/html";
import type { HourLatency } from "../pinger/history.js";

const HOUR_MS = 3_600_000;
const hh = (ms: number) => new Date(ms).toISOString().slice(11, 13) + ":00";

/** "x,y" of a point, one decimal (what a polyline's points take). */
const xy = (x: number, y: number) => `${x.toFixed(1)},${y.toFixed(1)}`;

/**
 * A line through the points ("x,y"), broken where one is null (no reading); a lone point is a
 * dot. As markup text: a status page draws a chart on each of up to 30 cards, and an element
 * each through JSX was a third of its render (bench:limits). Only figures go in: nothing to escape.
 */
function lineSvg(points: (string | null)[], dot: number): string {
  const runs: string[][] = [[]];
  for (const p of points) {
    if (p !== null) runs[runs.length - 1]!.push(p);
    else if (runs[runs.length - 1]!.length > 0) runs.push([]);
  }
  let out = "";
  for (const r of runs) {
    if (r.length > 1) out += `<polyline class="p50" points="${r.join(" ")}"></polyline>`;
    else if (r.length === 1) {
      const [cx, cy] = r[0]!.split(",");
      out += `<circle class="p50-dot" cx="${cx}" cy="${cy}" r="${dot}"></circle>`;
    }
  }
  return out;
}

function Line(props: { points: (string | null)[]; dot: number }) {
  return raw(lineSvg(props.points, props.dot));
}

/** A round upper bound for the axis (1, 2 or 5 times a power of ten). */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** The chart in words: range of p50, the slowest hour, the hours with failures. */
export function latencyText(hours: HourLatency[]): string {
  const answered = hours.filter((h) => h.p50_ms !== null);
  const failed = hours.filter((h) => h.failed > 0);
  if (hours.every((h) => h.checks === 0)) return "no checks in the last 24 hours";
  const parts: string[] = [];
  if (answered.length > 0) {
    const p50s = answered.map((h) => h.p50_ms!);
    const slowest = answered.reduce((a, b) => (b.max_ms! > a.max_ms! ? b : a));
    parts.push(`median ${ms(Math.min(...p50s))} to ${ms(Math.max(...p50s))} per hour`, `slowest ${ms(slowest.max_ms!)} at ${hh(slowest.hour)}`);
  }
  parts.push(failed.length === 0 ? "no failed checks" : `failed checks in ${failed.length} hour${failed.length === 1 ? "" : "s"}: ${failed.slice(-6).map((h) => `${hh(h.hour)} (${h.failed} of ${h.checks})`).join(", ")}`);
  return parts.join("; ");
}

/** `large`: the detail page's chart, with axes; otherwise a card's sparkline. */
export function LatencyChart(props: { hours: HourLatency[]; large?: boolean }) {
  const { hours, large = false } = props;
  const W = large ? 720 : 300;
  const H = large ? 180 : 44;
  const left = large ? 52 : 2;
  const bottom = large ? 22 : 2;
  const top = large ? 14 : 6;
  const plotW = W - left - 4;
  const plotH = H - top - bottom;
  const top_ = niceMax(Math.max(0, ...hours.map((h) => h.max_ms ?? 0)));
  const step = plotW / Math.max(1, hours.length);
  const x = (i: number) => left + i * step;
  const y = (v: number) => top + plotH - (Math.min(v, top_) / top_) * plotH;
  // The p50 line breaks where an hour has no answered check.
  const points = hours.map((h, i) => (h.p50_ms === null ? null : xy(x(i) + step / 2, y(h.p50_ms))));
  const label = `Latency by hour, last 24 hours: ${latencyText(hours)}`;
  return (
    <svg class={`chart latency${large ? " large" : ""}`} viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label} preserveAspectRatio={large ? "xMidYMid meet" : "none"} xmlns="http://www.w3.org/2000/svg">
      <title>{label}</title>
      {large &&
        [0, 0.5, 1].map((f) => (
          <g>
            <line class="grid" x1={left} x2={W - 4} y1={y(top_ * f)} y2={y(top_ * f)} />
            <text class="axis" x={left - 6} y={y(top_ * f) + 4} text-anchor="end">{ms(top_ * f)}</text>
          </g>
        ))}
      {raw(
        hours.map((h, i) => (h.max_ms === null ? "" : `<rect class="max" x="${x(i) + step * 0.15}" width="${step * 0.7}" y="${y(h.max_ms)}" height="${Math.max(1, top + plotH - y(h.max_ms))}"></rect>`)).join("") +
          lineSvg(points, large ? 3 : 2) +
          hours.map((h, i) => (h.failed === 0 ? "" : `<rect class="fail" x="${x(i) + step * 0.1}" width="${step * 0.8}" y="${top - (large ? 10 : 5)}" height="${large ? 6 : 4}"></rect>`)).join(""),
      )}
      {large &&
        hours.map((h, i) => (i % 6 === 0 || i === hours.length - 1 ? <text class="axis" x={x(i) + step / 2} y={H - 6} text-anchor="middle">{i === hours.length - 1 ? "now" : hh(h.hour)}</text> : null))}
    </svg>
  );
}

/** One GPU's VRAM used over time: [at ms, used bytes | null (unreadable)] oldest first, against its total. */
export function VramChart(props: { points: [number, number | null][]; total: number | null; now: number; label: string }) {
  const W = 720;
  const H = 90;
  const left = 52;
  const top = 8;
  const bottom = 20;
  const plotW = W - left - 4;
  const plotH = H - top - bottom;
  const from = props.now - 24 * HOUR_MS;
  const total = props.total ?? Math.max(1, ...props.points.map((p) => p[1] ?? 0));
  const x = (t: number) => left + ((t - from) / (24 * HOUR_MS)) * plotW;
  const y = (v: number) => top + plotH - (Math.min(v, total) / total) * plotH;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(0)} GiB`;
  const known = props.points.filter((p): p is [number, number] => p[1] !== null && p[0] >= from);
  const line: (string | null)[] = [];
  for (const [t, v] of props.points) if (t >= from) line.push(v === null ? null : xy(x(t), y(v)));
  const text =
    known.length === 0
      ? props.points.some((p) => p[0] >= from)
        ? "unknown: it could not be read"
        : "no readings"
      : `used ${gib(Math.min(...known.map((p) => p[1])))} to ${gib(Math.max(...known.map((p) => p[1])))}${props.total !== null ? ` of ${gib(props.total)}` : ""}, now ${gib(known[known.length - 1]![1])}`;
  const label = `${props.label} VRAM used, last 24 hours: ${text}`;
  return (
    <svg class="chart vram" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label} xmlns="http://www.w3.org/2000/svg">
      <title>{label}</title>
      {[0, 1].map((f) => (
        <g>
          <line class="grid" x1={left} x2={W - 4} y1={y(total * f)} y2={y(total * f)} />
          <text class="axis" x={left - 6} y={y(total * f) + 4} text-anchor="end">{gib(total * f)}</text>
        </g>
      ))}
      <Line points={line} dot={3} />
      {[0, 6, 12, 18, 24].map((hAgo) => (
        <text class="axis" x={x(props.now - hAgo * HOUR_MS)} y={H - 5} text-anchor={hAgo === 24 ? "start" : hAgo === 0 ? "end" : "middle"}>{hAgo === 0 ? "now" : `-${hAgo} h`}</text>
      ))}
    </svg>
  );
}
