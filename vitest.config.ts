// Two projects. `edge`: the Worker's tests run inside workerd through the Workers Vitest
// integration, against the same wrangler.toml it deploys with. `node`: the sidecar and the
// scripts run in Node against a real local edge (`wrangler dev`, started in globalSetup).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN, TEST_HF_TOKEN } from "./test/constants.js";

// Wrangler warns about required secrets it cannot see; the binding below is what tests use.
process.env.ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // The pinger's watch alarm is off: on a pinned clock it would fire on the real one and
            // tick between tests. watchdog.test.ts runs it with its own settings.
            miniflare: { bindings: { ADMIN_TOKEN: TEST_ADMIN_TOKEN, HF_TOKEN: TEST_HF_TOKEN, CRON_LATE_S: "0" } },
          }),
        ],
        test: { name: "edge", include: ["workers/**/*.test.ts", "shared/**/*.test.ts"], globalSetup: ["./test/space-servers.ts"], setupFiles: ["./test/clear-alarms.ts"] },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["sidecar/test/**/*.test.ts", "scripts/**/*.test.mjs", "test/e2e/**/*.test.mjs"],
          globalSetup: ["./test/local-edge.ts"],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
