// KV reads and writes counted where they happen: the binding wrapped once, at its use.
import type { Tally } from "./tally.js";

/** `kv` with its get and put counted in `tally` as kv_reads|what and kv_writes|what. */
export function countedKv(kv: KVNamespace, tally: Tally, what: string): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== "function") return v;
      if (prop === "get" || prop === "getWithMetadata") return (...args: unknown[]) => (tally.add(`kv_reads|${what}`), (v as (...a: unknown[]) => unknown).apply(target, args));
      if (prop === "put" || prop === "delete") return (...args: unknown[]) => (tally.add(`kv_writes|${what}`), (v as (...a: unknown[]) => unknown).apply(target, args));
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
