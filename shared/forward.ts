// The seed's queen push (workers/pools/forward.ts): where a pool forwards its aggregated
// heartbeat, and how the last push went. The bearer secret is write-only.
import * as z from "zod";

/** PUT /v1/admin/pools/{id}/forward */
export const ForwardConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048).nullable().meta({ description: "Where to POST the pool heartbeat; null stops forwarding" }),
    token: z.string().min(1).max(4096).nullable().optional().meta({ description: "Sent as a bearer token; stored as a secret and never shown" }),
  })
  .strict();
export type ForwardConfig = z.infer<typeof ForwardConfigSchema>;

export const ForwardStatusSchema = z.object({
  host: z.string().meta({ description: "The forward URL's host (the URL itself may hold a secret)" }),
  token_set: z.boolean(),
  next_at: z.string().nullable().meta({ description: "Next push; null while no host is fresh" }),
  failures_in_a_row: z.number(),
  last: z.object({ at: z.string(), status: z.number().nullable(), error: z.string().nullable() }).nullable(),
});
export type ForwardStatus = z.infer<typeof ForwardStatusSchema>;

export const ForwardSetSchema = z.object({ pool_id: z.string(), forward: ForwardStatusSchema.nullable() });
