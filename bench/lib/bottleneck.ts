/**
 * Which process limits a run, from the share of a core each used. Both server and
 * generator are single-threaded JavaScript, so a full core is as much as either can use.
 */
const SATURATED = 90;

export function bottleneck(serverPercent: number, generatorPercent: number): string {
  const s = `server ${Math.round(serverPercent)} %, generator ${Math.round(generatorPercent)} % of a core`;
  const server = serverPercent >= SATURATED;
  const generator = generatorPercent >= SATURATED;
  if (server && generator) return `${s}: both saturated (on two cores they fill the machine)`;
  if (server) return `${s}: the server is the bottleneck`;
  if (generator) return `${s}: the load generator is the bottleneck`;
  return `${s}: neither is saturated (waiting on the network stack, the window or the machine's other load)`;
}
