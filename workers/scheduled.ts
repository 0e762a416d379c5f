// The Cron Trigger. It reads the Space list so a misconfigured KV shows up in the logs
// from the first minute; the sharded pinger that acts on it is issue #3's work.
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const raw = await env.SPACES.get("spaces");
  let spaces: number | null = null;
  if (raw !== null) {
    try {
      const parsed: unknown = JSON.parse(raw);
      spaces = Array.isArray(parsed) ? parsed.length : null;
    } catch {
      spaces = null;
    }
  }
  console.log(JSON.stringify({ level: "info", msg: "tick", cron: controller.cron, scheduled_at: new Date(controller.scheduledTime).toISOString(), spaces }));
}
