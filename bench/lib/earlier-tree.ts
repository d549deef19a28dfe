/**
 * An earlier revision of the project, to measure against in the same run: its files from
 * git (not a checkout: the repository is left as it is) in a directory of their own, with
 * this tree's installed packages.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "./servers.ts";

/** Runs `f` in a copy of revision `rev`; null, without running it, where git or the revision is not at hand. */
export async function withEarlierTree<T>(rev: string, f: (root: string) => Promise<T>): Promise<T | null> {
  const dir = mkdtempSync(path.join(tmpdir(), "roomcall-earlier-"));
  try {
    const unpack = Bun.spawnSync(["bash", "-c", `set -o pipefail; git -C "$1" archive "$2" | tar -x -C "$3"`, "unpack", ROOT, rev, dir], { stdout: "ignore", stderr: "pipe" });
    if (unpack.exitCode !== 0) {
      console.error(`bench: revision ${rev} is not at hand (${unpack.stderr.toString().trim() || `exit ${unpack.exitCode}`})`);
      return null;
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
