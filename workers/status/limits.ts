// How much a page or a scrape draws, so each fits one invocation's CPU with any list's size:
// the cost of a read follows these numbers, never the number of Spaces or days kept.

/** Beyond this many Spaces on a page, only those not up get a card with uptime bars (at most this many); the rest a table row. */
export const FULL_CARDS = 20;
/** Spaces per status page (problems first; the page links to the next). */
export const PAGE_ROWS = 100;
export { METRICS_PART } from "../../shared/api.js";
/** Per pool, at most this many hosts and worker rows (stale ones first); the snapshot API has all. */
export const MAX_HOSTS = 40;
export const MAX_WORKER_ROWS = 200;
/** Closed incidents the main page lists (a detail page lists its subject's). */
export const HISTORY_SHOWN = 20;
/** Closed incidents a detail page lists. */
export const DETAIL_HISTORY_SHOWN = 50;
