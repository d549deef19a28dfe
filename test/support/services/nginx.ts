/**
 * A real nginx on a loopback port in front of the server, as a TLS-terminating proxy would
 * be minus TLS: it forwards WebSocket upgrades and the client's address in X-Forwarded-For.
 * Started unprivileged with a configuration of its own, stopped by its pid.
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensurePackage } from "./debian.ts";
import { freePort } from "./server-process.ts";

export interface Nginx {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startNginx(upstreamPort: number): Promise<Nginx> {
  const nginx = ensurePackage("/usr/sbin/nginx", "nginx");
  const dir = mkdtempSync(path.join(tmpdir(), "roomcall-nginx-"));
  const port = freePort();
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${dir}/${t};`).join("\n    ");
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {}
http {
    access_log off;
    ${temp}
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://127.0.0.1:${upstreamPort};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
        }
    }
}
`,
  );
  const proc: Subprocess = Bun.spawn([nginx, "-c", path.join(dir, "nginx.conf"), "-p", dir], { stdout: "ignore", stderr: "pipe" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited (${proc.exitCode}): ${await new Response(proc.stderr as ReadableStream).text()}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error("nginx did not answer");
    await Bun.sleep(50);
  }
  return {
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
