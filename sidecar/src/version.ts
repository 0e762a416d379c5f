// Replaced at build time with the package version (esbuild `define`).
declare const __SIDECAR_VERSION__: string | undefined;
export const VERSION: string = typeof __SIDECAR_VERSION__ === "string" ? __SIDECAR_VERSION__ : "0.0.0-dev";
