// Status badges for a README, in the flat style shields.io made familiar: a grey label and a
// coloured message, drawn here as SVG text (no font file, no image library). Widths come
// from a table of Verdana 11 px advances, as shields.io measures them, close enough that
// text never overflows its box.

/** Approximate Verdana 11 px advance of printable ASCII, from space (32) to tilde (126). */
const WIDTHS = [
  3.9, 4.7, 5.9, 10.2, 7.7, 13.2, 8.2, 3.2, 5.4, 5.4, 7.7, 10.2, 4.4, 5.4, 4.4, 5.4, 7.7, 7.7, 7.7, 7.7, 7.7, 7.7, 7.7, 7.7, 7.7, 7.7, 5.4, 5.4, 10.2, 10.2, 10.2, 6.6, 12.8,
  8.4, 8.3, 8.4, 9.4, 7.7, 7.0, 9.4, 9.2, 5.1, 5.4, 8.5, 6.8, 10.3, 9.1, 9.6, 7.3, 9.6, 8.5, 8.3, 7.5, 8.9, 8.4, 12.1, 8.4, 7.5, 8.3, 5.4, 5.4, 5.4, 10.2, 7.7, 7.7,
  7.4, 7.6, 6.6, 7.6, 7.3, 4.3, 7.6, 7.7, 3.2, 4.2, 7.2, 3.2, 11.9, 7.7, 7.4, 7.6, 7.6, 5.4, 6.3, 4.8, 7.7, 7.2, 10.0, 7.2, 7.2, 6.4, 7.7, 5.4, 7.7, 10.2,
];

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    w += code >= 32 && code <= 126 ? WIDTHS[code - 32]! : 11;
  }
  return w;
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** shields.io's named colours, for the states we draw. */
export const COLOURS = { green: "#4c1", lightgreen: "#97ca00", yellow: "#dfb317", orange: "#fe7d37", red: "#e05d44", grey: "#9f9f9f", blue: "#007ec6" } as const;
export type Colour = keyof typeof COLOURS;

/** A label/message badge; both are trimmed to 48 characters. */
export function badgeSvg(labelText: string, messageText: string, colour: Colour): string {
  const trim = (s: string) => (s.length > 48 ? `${s.slice(0, 47)}…` : s);
  const label = trim(labelText);
  const message = trim(messageText);
  const lw = Math.round(textWidth(label) + 10);
  const mw = Math.round(textWidth(message) + 10);
  const w = lw + mw;
  const l = escapeXml(label);
  const m = escapeXml(message);
  const fill = COLOURS[colour];
  // Text is drawn at 10x and scaled down, as shields.io does, for crisp rendering at small sizes.
  const text = (x: number, t: string, width: number) =>
    `<text aria-hidden="true" x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${(width - 10) * 10}">${t}</text><text x="${x * 10}" y="140" transform="scale(.1)" fill="#fff" textLength="${(width - 10) * 10}">${t}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}"><title>${l}: ${m}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${fill}"/><rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(lw / 2, l, lw)}${text(lw + mw / 2, m, mw)}</g></svg>`
  );
}

/** A Space's state as a badge colour. */
export function stateColour(state: string, maintenance: boolean): Colour {
  if (maintenance) return "blue";
  return state === "up" ? "green" : state === "down" ? "red" : state === "degraded" || state === "waking" ? "yellow" : "grey";
}

/** An uptime share as a badge colour (shields.io's usual steps). */
export function uptimeColour(ratio: number): Colour {
  return ratio >= 0.999 ? "green" : ratio >= 0.99 ? "lightgreen" : ratio >= 0.95 ? "yellow" : ratio >= 0.9 ? "orange" : "red";
}

/** "99.95%", "100%". */
export function uptimeText(ratio: number): string {
  const pct = ratio * 100;
  return `${pct === 100 ? "100" : pct >= 99.99 ? pct.toFixed(3) : pct.toFixed(2)}%`;
}
