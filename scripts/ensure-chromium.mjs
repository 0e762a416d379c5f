#!/usr/bin/env node
// `pretest`: the status page is tested in a real browser, Debian's Chromium (playwright-core
// never downloads one). Installs the `chromium` package when it is missing and we may (root
// with apt-get, as in CI); otherwise says how, and stops before a test run that would fail.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const apt = (...args) => spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log(`[pretest] no Chromium at ${path}: installing Debian's chromium package`);
  const installed = apt("install", "-y", "--no-install-recommends", "chromium") || (apt("update") && apt("install", "-y", "--no-install-recommends", "chromium"));
  if (installed && existsSync(path)) process.exit(0);
}
console.error(`[pretest] no Chromium at ${path}. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
process.exit(1);
