// Runs a command asynchronously with a hard timeout: a hung nvidia-smi is killed (SIGKILL,
// whole process group) and reported, and never blocks heartbeats.
import { spawn } from "node:child_process";

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
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      finish({ ok: false, stdout, error: `${cmd} timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < 1_000_000) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 10_000) stderr += d;
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      finish({ ok: false, stdout, error: err.code === "ENOENT" ? `${cmd} not found` : `${cmd}: ${err.message}` });
    });
    child.on("close", (code, signal) => {
      if (code === 0) finish({ ok: true, stdout, error: null });
      else finish({ ok: false, stdout, error: `${cmd} exited ${code ?? signal}: ${stderr.trim().slice(0, 200)}` });
    });
  });
}
