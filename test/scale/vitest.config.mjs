// `npm run test:scale`: the Free plan's scale, end to end, on a real local edge (wrangler dev).
// Apart from `npm test` (it takes a few minutes of its own); CI runs both (.ci/run).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "scale", environment: "node", include: ["test/scale/**/*.test.mjs"], testTimeout: 900_000, hookTimeout: 120_000 },
});
