/**
 * A bystander for the costly-frames benchmark: one socket from another loopback address
 * (`localAddress`, so that no per-address limit of the attacker's is its own) joins a room
 * and pings every `intervalMs`, one ping in flight, until told to stop on stdin (or after
 * `seconds`); then prints its round trips. An unanswered ping counts as `timeoutMs`.
 */
import { rawConnect } from "../../test/server/raw-socket.ts";
import { percentile } from "../lib/stats.ts";

const args = JSON.parse(process.argv[2]!) as { port: number; localAddress: string; seconds: number; intervalMs: number; timeoutMs: number };
const pongs = (data: string) => data.split('{"type":"pong"}').length - 1;

const socket = await rawConnect(args.port, { localAddress: args.localAddress });
socket.sendText(JSON.stringify({ type: "join", room: `bystander-${args.localAddress.replaceAll(".", "-")}` }));
await socket.until((d) => d.includes('"created"'));
// Ready: the caller starts the attack on this line.
console.log(JSON.stringify({ ready: true }));

let stopped = false;
void (async () => {
  for await (const chunk of Bun.stdin.stream()) if (new TextDecoder().decode(chunk).includes("stop")) break;
  stopped = true;
})();

const roundTrips: number[] = [];
let unanswered = 0;
const end = performance.now() + args.seconds * 1000;
while (!stopped && performance.now() < end) {
  const before = pongs(socket.data());
  const t0 = performance.now();
  socket.sendText('{"type":"ping"}');
  await socket.until((d) => pongs(d) > before, args.timeoutMs).catch(() => unanswered++);
  roundTrips.push(performance.now() - t0);
  await Bun.sleep(args.intervalMs);
}
socket.destroy();
const sorted = roundTrips.sort((a, b) => a - b);
console.log(JSON.stringify({ pings: sorted.length, unanswered, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN }));
process.exit(0);
