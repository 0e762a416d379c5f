// Turns zod issues into the `field` + message pairs every 4xx body carries, so the edge
// and the sidecar name bad fields the same way.
import type { z } from "zod";

export interface FieldIssue {
  field: string;
  message: string;
}

export function fieldPath(path: ReadonlyArray<PropertyKey>, root = "(body)"): string {
  // An empty key is named as "" so the field is never an empty string (found by the property test).
  return path.length === 0 ? root : path.map((p) => (String(p) === "" ? '""' : String(p))).join(".");
}

export function describeIssues(error: z.ZodError, root = "(body)"): FieldIssue[] {
  return error.issues.map((issue) => {
    // An unknown key is named itself, not its parent object.
    if (issue.code === "unrecognized_keys" && issue.keys.length > 0) {
      return { field: fieldPath([...issue.path, issue.keys[0]!], root), message: `unknown field (${issue.keys.join(", ")})` };
    }
    return { field: fieldPath(issue.path, root), message: issue.message };
  });
}
