// Structured JSON lines on stderr (stdout stays free for --dry-run payloads). Never logs
// tokens: callers pass only what is safe, and `redact` strips bearer values from errors.
export type Level = "debug" | "info" | "warn" | "error";
export type Logger = (level: Level, msg: string, fields?: Record<string, unknown>) => void;

export function redact(text: string): string {
  return text.replace(/ept\.[a-z0-9_-]+\.[0-9a-f]{12}\.[A-Za-z0-9_-]+/g, "ept.***").replace(/Bearer\s+\S+/gi, "Bearer ***");
}

export function jsonLogger(stream: NodeJS.WritableStream = process.stderr, minLevel: Level = "info"): Logger {
  const order: Level[] = ["debug", "info", "warn", "error"];
  return (level, msg, fields = {}) => {
    if (order.indexOf(level) < order.indexOf(minLevel)) return;
    stream.write(`${JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => {};
