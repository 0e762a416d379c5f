// Uptime bars: one cell per hour or day, coloured by the share of good checks. Plain divs
// styled by page.css, light on a phone. The colours are also said in words: the bar is one
// focusable element (keyboard, or a tap on a phone) whose label and revealed detail list the
// cells below 100%, so nobody needs a mouse tooltip or colour vision to read it.
import { raw } from "hono/html";
import type { Window } from "../pinger/history.js";

/** Class letter: g(ood), f(air), b(ad), n(o checks). One letter: 114 cells a Space add up. */
function tone(w: Window): string {
  if (w.total === 0) return "n";
  const r = w.up / w.total;
  return r === 1 ? "g" : r >= 0.9 ? "f" : "b";
}

function pct(w: Window): string {
  return w.total === 0 ? "–" : `${((w.up / w.total) * 100).toFixed(w.up === w.total ? 0 : 1)}% of ${w.total}`;
}

/** The cells in words: how many were checked, and the latest ones below 100%. */
export function barsText(cells: Window[], label: (i: number) => string, unit: string): string {
  const checked = cells.filter((w) => w.total > 0).length;
  const below = cells.flatMap((w, i) => (w.total > 0 && w.up < w.total ? [`${label(i)} ${pct(w)}`] : []));
  const head = `${checked} of ${cells.length} ${unit}s checked`;
  if (below.length === 0) return checked === 0 ? head : `${head}, all fully up`;
  return `${head}; below 100%: ${below.slice(-8).join(", ")}${below.length > 8 ? ` and ${below.length - 8} more` : ""}`;
}

/**
 * The cells as one string: a page draws up to 114 per card and 60 cards, and a JSX element
 * each cost the Worker 20 ms of a page at 5,000 Spaces (bench:limits). Nothing to escape: a
 * cell's class is a letter and its title a date or hour and figures (`label` must keep it so).
 */
function cellsHtml(cells: Window[], label: (i: number) => string): string {
  let out = "";
  for (let i = 0; i < cells.length; i++) out += `<i class="${tone(cells[i]!)}" title="${label(i)} ${pct(cells[i]!)}"></i>`;
  return out;
}

/** `label(i)` names cell i (e.g. its date) in its tooltip and in the words. */
export function UptimeBars(props: { cells: Window[]; label: (i: number) => string; kind: "hours" | "days" }) {
  const unit = props.kind === "hours" ? "hour" : "day";
  const text = barsText(props.cells, props.label, unit);
  return (
    <>
      <div class={`bars ${props.kind}`} role="img" tabindex={0} aria-label={`uptime by ${unit}: ${text}`}>
        {raw(cellsHtml(props.cells, props.label))}
      </div>
      <p class="bars-detail" aria-hidden="true">{text}</p>
    </>
  );
}

/** A used-of-total bar (GPU VRAM); unknown values say so instead of drawing a guess. */
export function UsageBar(props: { used: number | null; total: number | null; label: string }) {
  if (props.used === null || props.total === null || props.total === 0) {
    return <div class="usage unknown" title={`${props.label}: unknown`}><span class="usage-text">VRAM unknown</span></div>;
  }
  const share = Math.min(1, Math.max(0, props.used / props.total));
  return (
    <div class="usage" title={`${props.label}: ${gib(props.used)} of ${gib(props.total)} used`}>
      <span class="usage-fill" style={`width:${(share * 100).toFixed(1)}%`} />
      <span class="usage-text">{gib(props.used)} / {gib(props.total)} GiB</span>
    </div>
  );
}

export function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
