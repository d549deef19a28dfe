/** Opening rooms of two against our server (the protocol) or the bare relay (query string). */
export type Kind = "ours" | "bare";

export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.addEventListener("open", () => resolve(ws), { once: true });
    ws.addEventListener("error", () => reject(new Error(`connect to ${url} failed`)), { once: true });
  });
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }));
}

/** One socket in `room`; resolves when the server has answered the join. */
export async function joinOne(kind: Kind, url: string, room: string): Promise<WebSocket> {
  return (await joinWithId(kind, url, room)).ws;
}

/** One socket in `room` and the id the server gave it (empty for the bare relay, which gives none). */
export async function joinWithId(kind: Kind, url: string, room: string): Promise<{ ws: WebSocket; id: string }> {
  if (kind === "bare") return { ws: await open(`${url}?room=${room}`), id: "" };
  const ws = await open(url);
  const answer = nextMessage(ws);
  ws.send(JSON.stringify({ type: "join", room }));
  const m = JSON.parse(await answer);
  if (m.type !== "created" && m.type !== "joined") throw new Error(`join answered ${JSON.stringify(m)}`);
  return { ws, id: m.id };
}

/** Two sockets in `room`, the first having been told of the second; the second through `urlB` if given (another node). */
export async function openPair(kind: Kind, url: string, room: string, urlB = url): Promise<[WebSocket, WebSocket]> {
  const [a, b] = await openPairWithIds(kind, url, room, urlB);
  return [a.ws, b.ws];
}

/** `openPair`, with the ids the server gave each socket. */
export async function openPairWithIds(kind: Kind, url: string, room: string, urlB = url): Promise<[{ ws: WebSocket; id: string }, { ws: WebSocket; id: string }]> {
  const a = await joinWithId(kind, url, room);
  const told = kind === "ours" ? nextMessage(a.ws) : Promise.resolve("");
  const b = await joinWithId(kind, urlB, room);
  await told;
  return [a, b];
}

/** Runs `make` for 0..n-1, `batch` at a time. */
export async function inBatches<T>(n: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => make(i + k)))));
  }
  return out;
}
