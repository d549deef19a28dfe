/**
 * Call set-up through TURN against direct: two pages through the server, from the
 * newcomer being seated with its camera on to the first remote frame, with one server handing out no ICE
 * servers and another relaying every call through a real coturn (ICE_TRANSPORT_POLICY=relay).
 * Interleaved runs on the same browser.
 */
import { startCoturn } from "../../test/support/services/coturn.ts";
import { withServer } from "../lib/servers.ts";
import { median } from "../lib/stats.ts";
import { chromiumBench } from "./bench-browser.ts";
import { twoPages } from "./setup-time.ts";

export async function turnSetupBench(runs: number) {
  const coturn = await startCoturn();
  try {
    const relayEnv = { TURN_URLS: coturn.urls, TURN_SECRET: coturn.secret, ICE_TRANSPORT_POLICY: "relay" };
    return await withServer("ours", {}, (direct) =>
      withServer("ours", relayEnv, async (relayed) => {
        const browser = await chromiumBench();
        try {
          const d: number[] = [];
          const r: number[] = [];
          for (let i = 0; i < runs; i++) {
            d.push(await twoPages(browser, `http://127.0.0.1:${direct.port}`, `direct-${Date.now().toString(36)}-${i}`));
            r.push(await twoPages(browser, `http://127.0.0.1:${relayed.port}`, `relay-${Date.now().toString(36)}-${i}`));
          }
          return { runs, direct: median(d), relay: median(r), samples: { direct: d, relay: r } };
        } finally {
          await browser.close();
        }
      }),
    );
  } finally {
    await coturn.stop();
  }
}
