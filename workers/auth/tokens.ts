// Pool tokens: `ept.<pool_id>.<token_id>.<secret>`. The pool id lets `/v1/heartbeat` find
// its pool from the token alone; only a SHA-256 of the secret is stored (the secret is 32
// random bytes, so a slow hash adds nothing). Comparisons are constant-time.
import { PoolIdSchema } from "../../shared/index.js";

const PREFIX = "ept";

export interface PoolToken {
  poolId: string;
  tokenId: string;
  secret: string;
}

export function parsePoolToken(raw: string): PoolToken | null {
  const parts = raw.split(".");
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, poolId, tokenId, secret] = parts as [string, string, string, string];
  if (!PoolIdSchema.safeParse(poolId).success) return null;
  if (!/^[0-9a-f]{12}$/.test(tokenId) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { poolId, tokenId, secret };
}

function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new id: `prefix` and 16 random hex digits (maintenance windows, announcements, reservations). */
export function randomId(prefix: string): string {
  return `${prefix}_${hex(crypto.getRandomValues(new Uint8Array(8)))}`;
}

export function newPoolToken(poolId: string): PoolToken & { token: string } {
  const tokenId = hex(crypto.getRandomValues(new Uint8Array(6)));
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { poolId, tokenId, secret, token: `${PREFIX}.${poolId}.${tokenId}.${secret}` };
}

export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return hex(new Uint8Array(digest));
}

/** Constant-time equality of two secrets of any length (both are hashed to 32 bytes first). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/** Constant-time equality of two strings of a known, public length (digests, token secrets). */
export function fixedLengthEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const ea = enc.encode(a);
  const eb = enc.encode(b);
  return ea.byteLength === eb.byteLength && crypto.subtle.timingSafeEqual(ea, eb);
}

export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
