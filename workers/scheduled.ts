// The Cron Trigger. It reads and checks the Space list so a broken KV value shows up in the
// logs from the first minute; the sharded pinger that acts on it is issue #3's work.
import { parseSpaceList } from "../shared/spaces.js";
import { SPACES_KEY } from "./spaces/admin-routes.js";

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const text = await env.SPACES.get(SPACES_KEY);
  let spaces: { valid: number; invalid: number; list_error: string | null } | null = null;
  if (text !== null) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = parseSpaceList(raw);
    spaces = { valid: parsed.spaces.length, invalid: parsed.errors.length, list_error: raw === undefined ? "not valid JSON" : parsed.listError };
  }
  console.log(JSON.stringify({ level: "info", msg: "tick", cron: controller.cron, scheduled_at: new Date(controller.scheduledTime).toISOString(), spaces }));
}
