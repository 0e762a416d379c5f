// heartbeat-sidecar as a library: the generic heartbeat sender, the GPU reader, the local
// hive, and the shared protocol schemas, for TypeScript worker processes.
export { startHeartbeat, sendOnce, type HeartbeatOptions, type HeartbeatHandle, type HeartbeatStats, type SendResult } from "./sender.js";
export { readGpus, GpuReader } from "./gpu/reader.js";
export { parseNvidiaSmi, NVIDIA_ARGS } from "./gpu/nvidia.js";
export { readAmdSysfs } from "./gpu/amd.js";
export type { GpuReading, GpuSnapshot } from "./gpu/reading.js";
export { LocalRegistry } from "./registry.js";
export { fitHeartbeat, fitGpu, leavingHeartbeat } from "./fit.js";
export { createHive } from "./hive.js";
export { startSidecar, runOnce } from "./sidecar.js";
export { jsonLogger, type Logger } from "./log.js";
export { WorkerHeartbeatSchema, PoolHeartbeatSchema, type WorkerHeartbeat, type PoolHeartbeat } from "../../shared/heartbeat.js";
