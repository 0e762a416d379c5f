// Who may talk to the local hive: processes on this host, never a web page. A browser marks
// its requests (Origin on every POST and DELETE, Sec-Fetch-Site), cannot make a foreign name carry a loopback Host (DNS
// rebinding sends the attacker's name), and cannot send application/json cross-site without a
// CORS preflight, which the hive never answers. With --hive-token (needed to bind beyond
// loopback) every request must carry the token instead of a loopback Host.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface GuardRefusal {
  status: 401 | 403 | 415;
  code: string;
  message: string;
  field: string;
}

const refuse = (status: GuardRefusal["status"], code: string, field: string, message: string): GuardRefusal => ({ status, code, message, field });

/** 127.0.0.0/8, ::1 and localhost, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === "") return false;
  const name = host.toLowerCase();
  if (name.startsWith("[")) return /^\[::1\](:\d{1,5})?$/.test(name);
  const bare = name.replace(/:\d{1,5}$/, "");
  return bare === "localhost" || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(bare);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Null when the request may go on; otherwise why it is refused (nothing is read or stored). */
export function guardRequest(req: IncomingMessage, hiveToken: string | null): GuardRefusal | null {
  if (req.headers.origin !== undefined) return refuse(403, "cross_origin", "origin", "the hive does not answer web pages (the request carries an Origin header)");
  // Browsers say where a request comes from; "none" is a person typing the URL. (Other
  // Sec-Fetch-* headers prove nothing: Node's own fetch sends sec-fetch-mode.)
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "none") return refuse(403, "cross_origin", "sec-fetch-site", `the hive does not answer web pages (sec-fetch-site: ${site})`);
  if (hiveToken === null) {
    if (!isLoopbackHost(req.headers.host)) {
      return refuse(403, "host_not_loopback", "host", `Host ${JSON.stringify(req.headers.host ?? "")} is not a loopback name; the hive answers 127.0.0.1, [::1] and localhost`);
    }
  } else if (!sameSecret(req.headers.authorization ?? "", `Bearer ${hiveToken}`)) {
    return refuse(401, "unauthorized", "authorization", "this hive needs its --hive-token as a bearer token");
  }
  if (req.method === "POST") {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") return refuse(415, "unsupported_media_type", "content-type", "send the body as application/json");
  }
  return null;
}
