/** Debian packages the tests drive for real (coturn, redis-server, nginx...), installed when missing. */
import { existsSync } from "node:fs";

let updated = false;

/** Makes sure `binary` exists, installing Debian package `pkg` with apt-get (as root) if it does not. */
export function ensurePackage(binary: string, pkg: string): string {
  if (existsSync(binary)) return binary;
  if (process.getuid?.() !== 0) throw new Error(`${binary} is missing: install the Debian package ${pkg} (apt-get install ${pkg})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated) {
    Bun.spawnSync(["apt-get", "update", "-qq"], { env, stdout: "ignore", stderr: "inherit" });
    updated = true;
  }
  const r = Bun.spawnSync(["apt-get", "install", "-y", "-qq", pkg], { env, stdout: "ignore", stderr: "inherit" });
  if (r.exitCode !== 0 || !existsSync(binary)) throw new Error(`could not install ${pkg} (apt-get exited ${r.exitCode})`);
  return binary;
}
