/** What the figures were measured on; the machine is shared, so its load is noted too. */
import * as os from "node:os";

export function machine() {
  const version = (command: string) => Bun.spawnSync(["sh", "-c", `${command} --version 2>/dev/null || true`]).stdout.toString().trim();
  const chromium = version("chromium");
  const firefox = version("firefox-esr");
  return {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    bun: Bun.version,
    kernel: `${os.type()} ${os.release()}`,
    chromium: chromium || null,
    firefox: firefox || null,
    /** 1-minute load average when the run began: other tenants' work shows here. */
    loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
  };
}
