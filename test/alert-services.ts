// Stand-ins for the alert services, on the test servers' loopback port: each checks a request
// the way the real service's API documents it and answers as it does, so a payload we get
// wrong is refused here as it would be there (and recorded as refused).
//   Telegram Bot API   POST /svc/telegram/<name>/bot<token>/sendMessage (JSON: chat_id, text <= 4096)
//   ntfy               POST /svc/ntfy/<name>/ (JSON publishing: topic, message, title, tags, priority 1-5)
//   Pushover           POST /svc/pushover/<name>/1/messages.json (form: token, user, message <= 1024, title <= 250, priority -2..2)
//   Teams (Workflows)  POST /svc/teams/<name> (a message whose attachment is an Adaptive Card)
//   PagerDuty Events   POST /svc/pagerduty/<name>/v2/enqueue (routing_key, event_action, dedup_key, payload on trigger)
// GET /_svc/<service>/<name> answers { accepted: [...], refused: [...] }.
import type { IncomingMessage, ServerResponse } from "node:http";

type Received = { path: string; headers: IncomingMessage["headers"]; body: unknown };
const seen = new Map<string, { accepted: Received[]; refused: (Received & { why: string })[] }>();

const record = (key: string) => {
  let r = seen.get(key);
  if (r === undefined) seen.set(key, (r = { accepted: [], refused: [] }));
  return r;
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Why the service would refuse this request, or null when it takes it. */
function judge(service: string, rest: string[], headers: IncomingMessage["headers"], text: string): { why: string | null; body: unknown } {
  const type = String(headers["content-type"] ?? "");
  if (service === "pushover") {
    if (!type.startsWith("application/x-www-form-urlencoded")) return { why: "not a form", body: text };
    const f = Object.fromEntries(new URLSearchParams(text));
    if (rest.join("/") !== "1/messages.json") return { why: "wrong path", body: f };
    if (!/^[A-Za-z0-9]{30}$/.test(f.token ?? "")) return { why: "application token is invalid", body: f };
    if (!/^[A-Za-z0-9]{30}$/.test(f.user ?? "")) return { why: "user identifier is invalid", body: f };
    if (!f.message || f.message.length > 1024) return { why: "message cannot be blank or over 1024 characters", body: f };
    if ((f.title ?? "").length > 250) return { why: "title is too long", body: f };
    if (f.priority !== undefined && !["-2", "-1", "0", "1", "2"].includes(f.priority)) return { why: "priority is invalid", body: f };
    if (f.timestamp !== undefined && !/^\d+$/.test(f.timestamp)) return { why: "timestamp is invalid", body: f };
    return { why: null, body: f };
  }
  if (!type.startsWith("application/json")) return { why: "not JSON", body: text };
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch {
    return { why: "body is not JSON", body: text };
  }
  if (!isObj(b)) return { why: "body is not an object", body: b };
  switch (service) {
    case "telegram": {
      if (!/^bot\d+:[\w-]{30,}$/.test(rest[0] ?? "") || rest[1] !== "sendMessage") return { why: "Not Found", body: b };
      if (!(typeof b.chat_id === "number" || (typeof b.chat_id === "string" && /^(-?\d+|@\w{5,})$/.test(b.chat_id)))) return { why: "Bad Request: chat not found", body: b };
      if (typeof b.text !== "string" || b.text.length === 0) return { why: "Bad Request: message text is empty", body: b };
      if (b.text.length > 4096) return { why: "Bad Request: message is too long", body: b };
      if (b.parse_mode !== undefined) return { why: "we send plain text: parse_mode must be absent", body: b };
      return { why: null, body: b };
    }
    case "ntfy": {
      if (rest.length !== 0) return { why: "JSON publishing goes to the server's root", body: b };
      if (typeof b.topic !== "string" || !/^[-_A-Za-z0-9]{1,64}$/.test(b.topic)) return { why: "invalid topic", body: b };
      if (typeof b.message !== "string" || b.message.length === 0) return { why: "message missing", body: b };
      if (b.title !== undefined && typeof b.title !== "string") return { why: "title must be a string", body: b };
      if (b.tags !== undefined && !(Array.isArray(b.tags) && b.tags.every((t: unknown) => typeof t === "string"))) return { why: "tags must be strings", body: b };
      if (b.priority !== undefined && !(Number.isInteger(b.priority) && b.priority >= 1 && b.priority <= 5)) return { why: "invalid priority", body: b };
      return { why: null, body: b };
    }
    case "teams": {
      const a = Array.isArray(b.attachments) ? b.attachments[0] : undefined;
      if (b.type !== "message" || !isObj(a)) return { why: "expected a message with attachments", body: b };
      if (a.contentType !== "application/vnd.microsoft.card.adaptive" || !isObj(a.content)) return { why: "attachment is not an Adaptive Card", body: b };
      const card = a.content;
      if (card.type !== "AdaptiveCard" || typeof card.version !== "string" || !Array.isArray(card.body) || card.body.length === 0) return { why: "invalid Adaptive Card", body: b };
      if (!card.body.every((e: unknown) => isObj(e) && e.type === "TextBlock" && typeof e.text === "string")) return { why: "card elements must be TextBlocks with text", body: b };
      return { why: null, body: b };
    }
    case "pagerduty": {
      if (rest.join("/") !== "v2/enqueue") return { why: "wrong path", body: b };
      if (typeof b.routing_key !== "string" || b.routing_key.length !== 32) return { why: "routing_key must be 32 characters", body: b };
      if (!["trigger", "acknowledge", "resolve"].includes(b.event_action)) return { why: "event_action is invalid", body: b };
      if (b.dedup_key !== undefined && (typeof b.dedup_key !== "string" || b.dedup_key.length > 255)) return { why: "dedup_key is invalid", body: b };
      if (b.event_action !== "trigger" && typeof b.dedup_key !== "string") return { why: "dedup_key is required to acknowledge or resolve", body: b };
      if (b.event_action === "trigger") {
        const p = b.payload;
        if (!isObj(p)) return { why: "payload is missing", body: b };
        if (typeof p.summary !== "string" || p.summary.length === 0 || p.summary.length > 1024) return { why: "payload.summary is invalid", body: b };
        if (typeof p.source !== "string" || p.source.length === 0) return { why: "payload.source is missing", body: b };
        if (!["critical", "error", "warning", "info"].includes(p.severity)) return { why: "payload.severity is invalid", body: b };
        if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp))) return { why: "payload.timestamp is invalid", body: b };
      }
      return { why: null, body: b };
    }
  }
  return { why: "no such service", body: b };
}

const OK: Record<string, (b: any) => [number, unknown]> = {
  telegram: (b) => [200, { ok: true, result: { message_id: 1, chat: { id: b.chat_id }, text: b.text } }],
  ntfy: (b) => [200, { id: "abc123", time: Math.floor(Date.now() / 1000), event: "message", topic: b.topic, message: b.message }],
  pushover: () => [200, { status: 1, request: "6f5b8a4e-0000-4000-8000-000000000000" }],
  teams: () => [202, ""],
  pagerduty: (b) => [202, { status: "success", message: "Event processed", dedup_key: b.dedup_key ?? "generated" }],
};

const REFUSED: Record<string, (why: string) => [number, unknown]> = {
  telegram: (why) => [why === "Not Found" ? 404 : 400, { ok: false, error_code: why === "Not Found" ? 404 : 400, description: why }],
  ntfy: (why) => [400, { code: 40001, http: 400, error: why }],
  pushover: (why) => [400, { errors: [why], status: 0 }],
  teams: (why) => [400, { error: { code: "InvalidRequest", message: why } }],
  pagerduty: (why) => [400, { status: "invalid event", message: "Event object is invalid", errors: [why] }],
};

/** POST /svc/<service>/<name>/...: true when handled. */
export function serviceRequest(req: IncomingMessage, res: ServerResponse, parts: string[]): void {
  const [, service, name, ...rest] = parts;
  let text = "";
  req.on("data", (d: Buffer) => (text += d.toString()));
  req.on("end", () => {
    const key = `${service}/${name}`;
    const { why, body } = judge(service!, rest, req.headers, text);
    const r = record(key);
    if (why !== null) {
      r.refused.push({ path: rest.join("/"), headers: req.headers, body, why });
      const [status, out] = REFUSED[service!]?.(why) ?? [404, { error: why }];
      return send(res, status, out);
    }
    r.accepted.push({ path: rest.join("/"), headers: req.headers, body });
    const [status, out] = OK[service!]!(body);
    if (out === "") {
      res.writeHead(status);
      return void res.end();
    }
    send(res, status, out);
  });
}

/** GET /_svc/<service>/<name> */
export function serviceLog(res: ServerResponse, parts: string[]): void {
  send(res, 200, seen.get(`${parts[1]}/${parts[2]}`) ?? { accepted: [], refused: [] });
}
