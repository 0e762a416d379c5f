// `heartbeat-sidecar`: parses flags, then runs once or until SIGINT/SIGTERM. The first
// signal (even one that arrives while the sidecar is still starting) kills any GPU read in
// progress, sends a final "leaving" heartbeat and exits 0; a second one exits at once.
import { HELP, UsageError, parseCli } from "./config.js";
import { killRunning } from "./gpu/run.js";
import { jsonLogger } from "./log.js";
import { runOnce, startSidecar } from "./sidecar.js";
import { VERSION } from "./version.js";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`heartbeat-sidecar: ${err.message} (see --help)\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.kind === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cfg = parsed.config;
  const log = jsonLogger(process.stderr, cfg["log-level"]);

  if (cfg.once) {
    const { payload, result } = await runOnce(cfg, log);
    if (cfg["dry-run"]) {
      process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
      return 0;
    }
    return result?.ok ? 0 : 1;
  }

  let stopRequested!: () => void;
  const stopping = new Promise<void>((resolve) => (stopRequested = resolve));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log("warn", "second signal: exiting now", { signal });
      process.exit(1);
    }
    signalled = true;
    log("info", "stopping", { signal });
    killRunning();
    stopRequested();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let sidecar;
  try {
    sidecar = await startSidecar(cfg, log);
  } catch (err) {
    log("error", "could not start", { error: (err as Error).message });
    return 1;
  }
  await stopping;
  await sidecar.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`heartbeat-sidecar: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
