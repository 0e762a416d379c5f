// A pool's tokens, kept inside its Durable Object where their hashes live: issued (the secret
// shown once, only its SHA-256 stored), listed, revoked, and checked on every call with the
// scope the call needs (auth/scopes.ts). A secret once checked is remembered, so a sender's
// steady heartbeats skip SHA-256.
import type { TokenInfo } from "../../shared/api.js";
import type { TokenScope } from "../../shared/index.js";
import { scopeAllows, type Need } from "../auth/scopes.js";
import { fixedLengthEqual, newPoolToken, sha256Hex } from "../auth/tokens.js";
import type { Outcome } from "../http/errors.js";
import type { RegistryStore, TokenRow } from "./registry-store.js";

/** Who calls: the admin (checked by the Worker) or a pool token (checked here, where hashes live). */
export type PoolAccess = { kind: "admin" } | { kind: "token"; tokenId: string; secret: string; inUrl?: true };

export const unauthorized = <T>(message = "invalid token"): Outcome<T> => ({ ok: false, status: 401, code: "unauthorized", message });

export function tokenInfo(row: TokenRow): TokenInfo {
  return {
    token_id: row.id,
    label: row.label,
    scope: row.scope,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}

export class PoolTokens {
  private readonly rows = new Map<string, TokenRow>();
  /** Secrets already checked against their hash. */
  private readonly verified = new Map<string, string>();

  constructor(private readonly store: RegistryStore) {
    for (const t of store.loadTokens()) this.rows.set(t.id, t);
  }

  /**
   * A pool token must be this pool's, not revoked, and its scope must allow `need`; only a
   * read-scope token may travel in a URL. The admin is checked by the Worker before the call.
   */
  async authorize(access: PoolAccess, need: Need): Promise<Outcome<void>> {
    if (access.kind === "admin") return { ok: true, value: undefined };
    const row = this.rows.get(access.tokenId);
    if (row === undefined) return unauthorized();
    if (row.revoked_at !== null) return unauthorized("token has been revoked");
    const known = this.verified.get(access.tokenId);
    if (known === undefined || !fixedLengthEqual(known, access.secret)) {
      if (!fixedLengthEqual(await sha256Hex(access.secret), row.hash)) return unauthorized();
      this.verified.set(access.tokenId, access.secret);
    }
    if (!scopeAllows(row.scope, need)) return { ok: false, status: 403, code: "insufficient_scope", message: `this token's scope is ${row.scope}; this needs ${need}` };
    // A URL ends up in logs and history: only a token that cannot write may travel in one.
    if (access.inUrl === true && row.scope !== "read") return { ok: false, status: 403, code: "insufficient_scope", message: "only a read-scope token may travel in a URL; send this one as a bearer header", field: "token" };
    return { ok: true, value: undefined };
  }

  async issue(poolId: string, label: string | null, scope: TokenScope): Promise<{ token: string } & TokenInfo> {
    const fresh = newPoolToken(poolId);
    const row: TokenRow = { id: fresh.tokenId, hash: await sha256Hex(fresh.secret), label, scope, created_at: Date.now(), revoked_at: null };
    this.store.addToken(row);
    this.rows.set(row.id, row);
    return { token: fresh.token, ...tokenInfo(row) };
  }

  list(): TokenInfo[] {
    return [...this.rows.values()].map(tokenInfo);
  }

  revoke(tokenId: string, now: number): Outcome<TokenInfo> {
    const row = this.rows.get(tokenId);
    if (row === undefined) return { ok: false, status: 404, code: "not_found", message: "no such token", field: "token_id" };
    this.verified.delete(tokenId);
    if (row.revoked_at === null) {
      row.revoked_at = now;
      this.store.revokeToken(tokenId, now);
    }
    return { ok: true, value: tokenInfo(row) };
  }
}
