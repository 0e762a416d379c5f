// How much the status page draws, so it stays small and cheap with long lists.

/** Beyond this many Spaces, only those not up get a card with uptime bars; the rest a table row. */
export const FULL_CARDS = 60;
/** Per pool, at most this many hosts and worker rows (stale ones first); the snapshot API has all. */
export const MAX_HOSTS = 40;
export const MAX_WORKER_ROWS = 200;

/** Closed incidents the main page lists (a detail page lists its subject's). */
export const HISTORY_SHOWN = 20;
/** Closed incidents a detail page lists. */
export const DETAIL_HISTORY_SHOWN = 50;
