// The frame every people-facing page shares: the stylesheet, a favicon and a title that say the
// overall state (a pinned tab shows a red dot and "1 down – ..." without being opened), the
// announcements banner, and the auto-refresh script with its pause button (WCAG 2.2.1).
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { Announcement } from "../../shared/announcements.js";
import { PAGE_CSS } from "./page-style.js";

export const REFRESH_S = 30;

export type Tone = "ok" | "warn" | "bad";

const REFRESH_SCRIPT = `(()=>{const b=document.getElementById("refresh");if(!b)return;let paused=sessionStorage.getItem("edge-pulse-paused")==="1",t;
const arm=()=>{clearTimeout(t);if(!paused)t=setTimeout(()=>location.reload(),${REFRESH_S * 1000})};
const show=()=>{b.textContent=paused?"Resume auto-refresh":"Pause auto-refresh";b.setAttribute("aria-pressed",String(paused))};
b.addEventListener("click",()=>{paused=!paused;sessionStorage.setItem("edge-pulse-paused",paused?"1":"0");show();arm()});show();arm()})();`;

const DOT: Record<Tone, string> = { ok: "#2fb96c", warn: "#e0b341", bad: "#e5534b" };

/** An SVG dot in the state's colour, as a data: URL (no request, no file to serve). */
export function faviconOf(tone: Tone): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='7' fill='${DOT[tone]}'/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** "1 down · 2 stale – edge-pulse status", or "All up – ..." when nothing is wrong. */
export function titleOf(problems: string[], title: string): string {
  return `${problems.length === 0 ? "All up" : problems.join(" · ")} – ${title}`;
}

export function AnnouncementsBanner(props: { list: Announcement[] }) {
  if (props.list.length === 0) return null;
  return (
    <section class="announcements" aria-label="Announcements">
      {props.list.map((a) => (
        <p class={`announcement ${a.level}`}>
          <strong>{a.level === "info" ? "Notice" : a.level === "warning" ? "Warning" : "Important"}:</strong> {a.text}
        </p>
      ))}
    </section>
  );
}

export function Layout(props: { title: string; heading: Child; tone: Tone; problems: string[]; announcements: Announcement[]; children: Child; footer?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{titleOf(props.problems, props.title)}</title>
        <link rel="icon" type="image/svg+xml" href={faviconOf(props.tone)} />
        <style>{raw(PAGE_CSS)}</style>
      </head>
      <body>
        <main>
          {props.heading}
          <AnnouncementsBanner list={props.announcements} />
          {props.children}
          <footer>
            edge-pulse · <a href="/">status</a> · <a href="/metrics">metrics</a> · <a href="/docs">API docs</a>
            {props.footer}
          </footer>
        </main>
        <script>{raw(REFRESH_SCRIPT)}</script>
      </body>
    </html>
  );
}
