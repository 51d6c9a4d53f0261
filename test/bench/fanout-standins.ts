// The bench's stand-in platforms: one or several child processes (started with tsx), each a
// sandbox of its own on its own port, as real platforms are each their own servers. Several keep
// the stand-in's own single-process limit on a small machine from hiding the hub's.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface StandIns {
  urls: string[];
  close(): void;
}

export async function startStandIns(processes: number, latencyMs: number): Promise<StandIns> {
  const script = new URL("./fanout-platform.ts", import.meta.url).pathname;
  const children: ChildProcess[] = [];
  const urls = await Promise.all(
    Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", script, String(latencyMs)], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      children.push(child);
      const output = child.stdout;
      if (!output) throw new Error("a stand-in platform started without its output pipe");
      return new Promise<string>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`a stand-in platform exited (${code})`)));
        createInterface({ input: output }).once("line", (line) => resolve(JSON.parse(line).url));
      });
    }),
  );
  return {
    urls,
    close() {
      for (const child of children) {
        child.removeAllListeners("exit");
        child.stdin?.end();
      }
    },
  };
}
