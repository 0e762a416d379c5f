// The Cron Trigger: checks the pinger's settings and runs one tick (workers/pinger/tick.ts).
// A bad setting stops the tick with an error naming it; the watchdog then reports it.
import { runTick } from "./pinger/tick.js";
import { readPingerSettings } from "./pinger/settings.js";

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const settings = readPingerSettings(env);
  if (!settings.ok) {
    console.log(JSON.stringify({ level: "error", msg: "tick refused: invalid setting", field: settings.error.field, error: settings.error.message }));
    return;
  }
  await runTick(env, controller.scheduledTime, settings.value);
}
