/**
 * Debian packages a test needs beyond Chromium (iproute2, nftables): installed with apt-get
 * when missing, as scripts/setup.sh installs Chromium, or a clear error saying what to do.
 */
const updated = { done: false };

function has(command: string): boolean {
  return Bun.spawnSync(["sh", "-c", `command -v ${command}`]).exitCode === 0;
}

/** Makes sure `command` is on the PATH, installing `debianPackage` if it is not. */
export function ensureCommand(command: string, debianPackage: string): void {
  if (has(command)) return;
  const root = process.getuid?.() === 0;
  if (!root || !has("apt-get")) {
    throw new Error(`this test needs \`${command}\`: install it (Debian: sudo apt-get install ${debianPackage})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated.done) {
    Bun.spawnSync(["apt-get", "update", "-qq"], { env, stdout: "ignore" });
    updated.done = true;
  }
  const install = Bun.spawnSync(["apt-get", "install", "-y", "-qq", debianPackage], { env, stdout: "ignore", stderr: "pipe" });
  if (install.exitCode !== 0 || !has(command)) {
    throw new Error(`could not install ${debianPackage}: ${install.stderr.toString().trim()}`);
  }
}
