// CLI flags and their environment fallbacks, parsed with zod like every other input.
// A bad flag gets one line naming it; the CLI exits 2.
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import * as z from "zod";
import { PoolIdSchema, SenderIdSchema } from "../../shared/ids.js";
import { isLoopbackHost } from "./hive-guard.js";

export const ENV = {
  edge: "HEARTBEAT_EDGE_URL",
  pool: "HEARTBEAT_POOL_ID",
  token: "HEARTBEAT_TOKEN",
  "host-id": "HEARTBEAT_HOST_ID",
  listen: "HEARTBEAT_LISTEN",
  "hive-token": "HEARTBEAT_HIVE_TOKEN",
  interval: "HEARTBEAT_INTERVAL",
  "gpu-interval": "HEARTBEAT_GPU_INTERVAL",
  "nvidia-smi": "HEARTBEAT_NVIDIA_SMI",
  "log-level": "HEARTBEAT_LOG_LEVEL",
} as const;

const ListenSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/, "use host:port, e.g. 127.0.0.1:9200")
  .transform((s) => {
    const i = s.lastIndexOf(":");
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(s.slice(i + 1)) };
  })
  .refine((l) => l.port >= 0 && l.port <= 65535, "port must be 0-65535");

const Seconds = (max: number) =>
  z.coerce.number({ error: "must be a number of seconds" }).int("must be whole seconds").min(1, "must be at least 1").max(max, `must be at most ${max}`);

export const ConfigSchema = z
  .object({
  edge: z.url("must be an http(s) URL").refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL").transform((u) => u.replace(/\/+$/, "")),
  pool: PoolIdSchema,
  token: z.string().min(1, "is required"),
  "host-id": SenderIdSchema,
  listen: ListenSchema,
  "hive-token": z.string().min(16, "must be at least 16 characters").max(256).regex(/^[\x21-\x7e]+$/, "use printable ASCII without spaces").nullable(),
  interval: Seconds(3600),
  "gpu-interval": Seconds(3600),
  "nvidia-smi": z.string().min(1),
  "log-level": z.enum(["debug", "info", "warn", "error"]),
  once: z.boolean(),
  "dry-run": z.boolean(),
  })
  // Beyond loopback, other machines (and their browsers) can reach the hive: it then needs a token.
  .refine((c) => c["hive-token"] !== null || isLoopbackHost(c.listen.host), {
    path: ["hive-token"],
    message: "is required when --listen is not a loopback address (workers then send it as a bearer token)",
  });
export type Config = z.output<typeof ConfigSchema>;

export class UsageError extends Error {}

const OPTIONS = {
  edge: { type: "string" },
  pool: { type: "string" },
  token: { type: "string" },
  "host-id": { type: "string" },
  listen: { type: "string" },
  "hive-token": { type: "string" },
  interval: { type: "string" },
  "gpu-interval": { type: "string" },
  "nvidia-smi": { type: "string" },
  "log-level": { type: "string" },
  once: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export type ParsedCli = { kind: "help" } | { kind: "version" } | { kind: "run"; config: Config };

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const pick = (name: keyof typeof ENV) => (values[name] as string | undefined) ?? env[ENV[name]];
  const dryRun = values["dry-run"] === true;
  const raw = {
    edge: pick("edge") ?? (dryRun ? "http://edge.invalid" : undefined),
    pool: pick("pool"),
    token: pick("token") ?? (dryRun ? "dry-run" : undefined),
    "host-id": pick("host-id") ?? hostname(),
    listen: pick("listen") ?? "127.0.0.1:9200",
    "hive-token": pick("hive-token") ?? null,
    interval: pick("interval") ?? "15",
    "gpu-interval": pick("gpu-interval") ?? pick("interval") ?? "15",
    "nvidia-smi": pick("nvidia-smi") ?? "nvidia-smi",
    "log-level": pick("log-level") ?? "info",
    once: values.once === true || dryRun,
    "dry-run": dryRun,
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = String(issue.path[0] ?? "");
    const envName = ENV[flag as keyof typeof ENV];
    const missing = raw[flag as keyof typeof raw] === undefined;
    const hint = missing ? `is required (or set ${envName})` : issue.message;
    throw new UsageError(`--${flag}: ${hint}`);
  }
  return { kind: "run", config: parsed.data };
}

export const HELP = `heartbeat-sidecar: reads this host's GPUs, is the local hive for its workers, and
posts pool heartbeats to an edge-pulse Worker.

Usage: heartbeat-sidecar --edge URL --pool ID --token TOKEN [options]

  --edge URL          edge-pulse Worker URL                    ${ENV.edge}
  --pool ID           pool id                                  ${ENV.pool}
  --token TOKEN       pool token from the admin API            ${ENV.token}
  --host-id H         this host's id (default: hostname)       ${ENV["host-id"]}
  --listen HOST:PORT  local hive for workers (127.0.0.1:9200)  ${ENV.listen}
  --hive-token T      token workers must send the hive; needed ${ENV["hive-token"]}
                      when --listen is not a loopback address
  --interval S        seconds between pool heartbeats (15)     ${ENV.interval}
  --gpu-interval S    seconds between GPU reads (= interval)   ${ENV["gpu-interval"]}
  --nvidia-smi PATH   nvidia-smi to run (nvidia-smi)           ${ENV["nvidia-smi"]}
  --log-level L       debug | info | warn | error (info)       ${ENV["log-level"]}
  --once              read, send one heartbeat, exit 0 if it landed, 1 if not
  --dry-run           read and print the heartbeat; send nothing
  -h, --help          this help
  -v, --version       the version

Workers on this host: POST http://HOST:PORT/v1/heartbeat {"worker_id","timestamp","health_status"}
with content-type application/json (and optionally POST /v1/workers with model_ref, vram_bytes,
gpu_id, uri, capabilities, protocol; DELETE /v1/workers/ID when a worker leaves). The hive refuses
requests from web pages (any Origin header, a Host that is not a loopback name).
Logs are JSON lines on stderr. Exit codes: 0 ok, 1 heartbeat failed (--once), 2 bad usage.
`;
