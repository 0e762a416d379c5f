// Extra HTTP headers a user may set (Space checks, webhook targets): names are HTTP tokens,
// values are what HTTP allows in a field (no CR, LF, NUL or other controls but tab), so a
// stored header can never be refused by fetch() or smuggle a second header.
import * as z from "zod";

export const HeaderNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "header names are HTTP tokens (letters, digits, -, _ ...)");

export const HeaderValueSchema = z
  .string()
  .max(1000)
  .regex(/^[\t\x20-\x7e\x80-\uffff]*$/, "header values may not hold CR, LF, NUL or other control characters");

export const HeaderMapSchema = z.record(HeaderNameSchema, HeaderValueSchema);
