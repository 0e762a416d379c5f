// Types for browser.mjs, so TypeScript tests (the sidecar's) can launch Chromium too.
import type { Browser } from "playwright-core";
export const CHROMIUM: string;
export function launch(): Promise<Browser>;
