/**
 * A network namespace of the test's own, joined to the host by a veth pair
 * (10.77.<n>.1 on the host side, 10.77.<n>.2 inside), with a Chromium that runs in it.
 * Its media path can then be broken and restored with nftables rules inside the namespace,
 * the rest of the machine untouched. Everything (browsers, namespace, veth) is removed by
 * `remove()`, by an exit hook if the process ends first, and, for namespaces left by a
 * process that was killed, by the next `createNetns()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../browsers/browser.ts";
import { ensureCommand } from "./system-package.ts";

/** Names are `roomcall-<n>-<owner pid>`; the veth ends `rc<n>h` (host) and `rc<n>n` (inside). */
const NAME = /^roomcall-(\d+)-(\d+)$/;
const FAULT_TABLE = "roomcall_fault";

export interface Netns {
  readonly name: string;
  /** The host's end of the veth pair (deleting it deletes both ends). */
  readonly hostInterface: string;
  /** The host's end of the veth: where the namespace reaches the host (the server listens here). */
  readonly hostAddress: string;
  /** The namespace's own address. */
  readonly address: string;
  /** Headless Chromium with the project's flags and `extraArgs`, running inside the namespace. */
  launchBrowser(extraArgs?: string[]): Promise<Browser>;
  /**
   * Drops every UDP and TCP packet into or out of the namespace except TCP with the host's
   * `keepTcpPort` (the signaling server): media and ICE stop, signaling goes on.
   */
  breakMedia(keepTcpPort: number): Promise<void>;
  /**
   * Drops about `percent` % of the UDP packets into and out of the namespace, at random
   * (nftables' numgen on the veth: the kernel here has no netem), TCP untouched: a lossy
   * network for the media, with signaling as it was.
   */
  impairMedia(percent: number): Promise<void>;
  /** Takes the rules of `breakMedia` or `impairMedia` away again. Harmless when there are none. */
  restoreMedia(): Promise<void>;
  /** Every process in the namespace killed, the veth and the namespace deleted. Harmless twice. */
  remove(): Promise<void>;
}

function run(cmd: string[], input?: string): { ok: boolean; out: string; err: string } {
  const r = Bun.spawnSync(cmd, { stdin: input === undefined ? "ignore" : Buffer.from(input), stdout: "pipe", stderr: "pipe" });
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString().trim() };
}

function must(cmd: string[], input?: string): string {
  const r = run(cmd, input);
  if (!r.ok) throw new Error(`${cmd.join(" ")}: ${r.err}`);
  return r.out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const namespaces = () =>
  run(["ip", "netns", "list"])
    .out.split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter(Boolean);

const pidsIn = (name: string) =>
  run(["ip", "netns", "pids", name])
    .out.split("\n")
    .filter(Boolean)
    .map(Number);

/** Kills what runs in the namespace, then deletes its veth and the namespace itself. */
function teardown(name: string, index: number) {
  for (const pid of pidsIn(name)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  run(["ip", "link", "del", `rc${index}h`]);
  run(["ip", "netns", "del", name]);
}

/** Namespaces of processes that are gone (killed before they could clean up). */
function removeStale() {
  for (const name of namespaces()) {
    const m = NAME.exec(name);
    if (m && !alive(Number(m[2]))) teardown(name, Number(m[1]));
  }
}

/** Index `n` is free when no namespace, link or address of ours uses it. */
function taken(): Set<number> {
  const used = new Set<number>();
  for (const name of namespaces()) {
    const m = NAME.exec(name);
    if (m) used.add(Number(m[1]));
  }
  for (const m of run(["ip", "-o", "addr"]).out.matchAll(/10\.77\.(\d+)\./g)) used.add(Number(m[1]));
  for (const m of run(["ip", "-o", "link"]).out.matchAll(/\brc(\d+)[hn]\b/g)) used.add(Number(m[1]));
  return used;
}

/** Creates the namespace and veth, trying further indexes if another process got there first. */
function create(): { name: string; index: number } {
  const used = taken();
  for (let index = 1; index < 255; index++) {
    if (used.has(index)) continue;
    const name = `roomcall-${index}-${process.pid}`;
    if (!run(["ip", "netns", "add", name]).ok) continue;
    try {
      must(["ip", "link", "add", `rc${index}h`, "type", "veth", "peer", "name", `rc${index}n`]);
    } catch {
      run(["ip", "netns", "del", name]);
      continue;
    }
    try {
      must(["ip", "link", "set", `rc${index}n`, "netns", name]);
      must(["ip", "addr", "add", `10.77.${index}.1/24`, "dev", `rc${index}h`]);
      must(["ip", "link", "set", `rc${index}h`, "up"]);
      must(["ip", "-n", name, "addr", "add", `10.77.${index}.2/24`, "dev", `rc${index}n`]);
      must(["ip", "-n", name, "link", "set", `rc${index}n`, "up"]);
      must(["ip", "-n", name, "link", "set", "lo", "up"]);
      return { name, index };
    } catch (err) {
      teardown(name, index);
      throw err;
    }
  }
  throw new Error("no free 10.77.<n>.0/24 for a test namespace");
}

/** Waits (bounded) for a promise; gives up quietly after `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.catch(() => undefined), Bun.sleep(ms)]);

export async function createNetns(): Promise<Netns> {
  if (process.getuid?.() !== 0) throw new Error("network namespaces need root");
  ensureCommand("ip", "iproute2");
  ensureCommand("nft", "nftables");
  removeStale();
  const { name, index } = create();
  const hostAddress = `10.77.${index}.1`;
  const address = `10.77.${index}.2`;

  // Playwright starts "the browser" through this script and talks to it over a pipe, which
  // `ip netns exec` (an exec, no fork) passes on.
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const wrapper = path.join(dir, "chromium");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM_PATH} "$@"\n`, { mode: 0o755 });

  const browsers = new Set<Browser>();
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    teardown(name, index);
    rmSync(dir, { recursive: true, force: true });
  };
  // Bun runs "exit" handlers synchronously, so this works when a test run ends abruptly too.
  process.on("exit", cleanup);

  const nft = (script: string) => must(["ip", "netns", "exec", name, "nft", "-f", "-"], script);
  const restoreMedia = async () => {
    if (removed) return;
    for (const family of ["inet", "netdev"]) {
      if (run(["ip", "netns", "exec", name, "nft", "list", "table", family, FAULT_TABLE]).ok) nft(`delete table ${family} ${FAULT_TABLE}\n`);
    }
  };

  return {
    name,
    hostInterface: `rc${index}h`,
    hostAddress,
    address,
    async launchBrowser(extraArgs = []) {
      const b = await chromium.launch({ executablePath: wrapper, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
      browsers.add(b);
      b.on("disconnected", () => browsers.delete(b));
      return b;
    },
    async breakMedia(keepTcpPort) {
      await restoreMedia();
      nft(`table inet ${FAULT_TABLE} {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "lo" accept
    ip saddr ${hostAddress} tcp sport ${keepTcpPort} accept
    meta l4proto { tcp, udp } drop
  }
  chain output {
    type filter hook output priority filter; policy accept;
    oifname "lo" accept
    ip daddr ${hostAddress} tcp dport ${keepTcpPort} accept
    meta l4proto { tcp, udp } drop
  }
}
`);
    },
    async impairMedia(percent) {
      await restoreMedia();
      // On the namespace's end of the veth, as packets come in and as they go out (after the
      // socket took them: a sender is not told, as on a real network).
      const chain = (hook: string) => `chain ${hook} {
    type filter hook ${hook} device "rc${index}n" priority filter; policy accept;
    meta l4proto udp numgen random mod 100 < ${Math.round(percent)} drop
  }`;
      nft(`table netdev ${FAULT_TABLE} {\n  ${chain("ingress")}\n  ${chain("egress")}\n}\n`);
    },
    restoreMedia,
    async remove() {
      if (removed) return;
      await Promise.all([...browsers].map((b) => within(b.close(), 5000)));
      cleanup();
      process.off("exit", cleanup);
    },
  };
}
