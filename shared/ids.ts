// Identifier schemas. Pool ids become Durable Object names, URL segments and part of
// pool tokens, so they are the strictest; worker and host ids only need to be printable.
import * as z from "zod";
import { MAX_ID_LENGTH, MAX_POOL_ID_LENGTH } from "./limits.js";

export const PoolIdSchema = z
  .string()
  .min(1)
  .max(MAX_POOL_ID_LENGTH)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "use lowercase letters, digits, '-' and '_'");

/** Worker, host and GPU-uuid ids: visible ASCII without spaces. */
export const SenderIdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[\x21-\x7e]+$/, "use printable ASCII without spaces");
