// The protocol layer shared by the Worker (workers/) and the sidecar (sidecar/).
// Imports only zod: schemas, inferred types, constants and pure functions.
export * from "./limits.js";
export * from "./ids.js";
export * from "./heartbeat.js";
export * from "./pool-settings.js";
export * from "./liveness.js";
export * from "./errors.js";
export * from "./parse.js";
export * from "./headers.js";
export * from "./snapshot.js";
export * from "./spaces.js";
export * from "./schedule.js";
export * from "./placement.js";
export * from "./forward.js";
