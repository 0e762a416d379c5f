// Edge tests run inside workerd through the Workers Vitest integration, against the same
// wrangler.toml the Worker deploys with. ADMIN_TOKEN is a test-only value.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN } from "./test/constants.js";

// Wrangler warns about required secrets it cannot see; the binding below is what tests use.
process.env.ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { ADMIN_TOKEN: TEST_ADMIN_TOKEN } },
    }),
  ],
  test: {
    include: ["workers/**/*.test.ts", "shared/**/*.test.ts"],
  },
});
