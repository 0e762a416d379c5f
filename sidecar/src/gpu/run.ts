// Runs a command asynchronously with a hard timeout: a hung nvidia-smi is killed (SIGKILL,
// whole process group) and reported, and never blocks heartbeats. Every child still running
// is killed with the sidecar (killRunning, and on exit): its own process group does not get
// the signals that stop the sidecar.
import { spawn, type ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Kills every command still running (nvidia-smi, rocm-smi); their reads end as failed. */
export function killRunning(): number {
  const n = running.size;
  for (const child of running) killGroup(child);
  return n;
}
process.on("exit", () => void killRunning());

export interface RunResult {
  ok: boolean;
  stdout: string;
  error: string | null;
}

export function runWithTimeout(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
    running.add(child);
    const timer = setTimeout(() => {
      killGroup(child);
      finish({ ok: false, stdout, error: `${cmd} timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < 1_000_000) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 10_000) stderr += d;
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      running.delete(child);
      finish({ ok: false, stdout, error: err.code === "ENOENT" ? `${cmd} not found` : `${cmd}: ${err.message}` });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      if (code === 0) finish({ ok: true, stdout, error: null });
      else finish({ ok: false, stdout, error: `${cmd} exited ${code ?? signal}: ${stderr.trim().slice(0, 200)}` });
    });
  });
}
