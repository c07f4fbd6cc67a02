// Runs a command under /usr/bin/time and reports what the benchmark compares:
// wall time as seen from here, peak RSS and CPU seconds as the kernel counted them.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const TIME = "/usr/bin/time";

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Measured {
  seconds: number;
  peakRssMB: number;
  cpuSeconds: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: wall time as seen from here, peak RSS as the kernel counted it. */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, ["-f", "%M %U %S", "-o", timeFile, command, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const timeOut = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, "utf8") : "";
      fs.rmSync(timeFile, { force: true });
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr.slice(-4000)}\n${timeOut}`));
        return;
      }
      const [kb, user, sys] = (timeOut.trim().split("\n").pop() ?? "").split(" ").map(Number);
      resolve({ seconds, peakRssMB: kb / 1024, cpuSeconds: user + sys, stdout });
    });
  });
}
