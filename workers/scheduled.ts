// The Cron Trigger: checks the pinger's settings and hands the tick to the SpaceStore, which
// runs it (workers/pinger/tick.ts): one Durable Object request a tick for plan and record,
// plus one per shard, and, when the tick says the history has upkeep waiting, one more for a
// step of it (SpaceStore.maintain), so each fits the Free plan's 10 ms of CPU. A bad setting
// stops the tick with an error naming it; the watchdog then reports it.
import { readPingerSettings } from "./pinger/settings.js";
import { spaceStore } from "./objects.js";
import { workerTally } from "./usage/worker-usage.js";

export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  workerTally.add("worker_requests|cron");
  const settings = readPingerSettings(env);
  if (!settings.ok) {
    console.log(JSON.stringify({ level: "error", msg: "tick refused: invalid setting", field: settings.error.field, error: settings.error.message }));
    return;
  }
  // The isolate's counts ride with the tick (no call of their own).
  const usage = workerTally.take();
  let upkeep = false;
  try {
    upkeep = (await spaceStore(env).tick(controller.scheduledTime, settings.value, usage))?.upkeep === true;
  } catch (err) {
    if (usage !== null) workerTally.restore(usage);
    throw err;
  }
  if (!upkeep) return;
  try {
    await spaceStore(env).maintain();
  } catch (err) {
    // The checks are recorded; the next tick asks again.
    console.log(JSON.stringify({ level: "error", msg: "history upkeep failed", error: String(err) }));
  }
}
