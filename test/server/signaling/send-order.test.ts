/**
 * Relayed frames wait for the end of the loop's turn (send-batch.ts): whatever the server
 * sends a socket besides, and a close, still reaches it after them, in the order it arose.
 */
import { describe, expect, test } from "bun:test";
import { Address } from "../../../src/server/limits/address-limits.ts";
import { Connection } from "../../../src/server/signaling/connection.ts";
import { joined, useServer } from "../harness.ts";
import { rawConnect } from "../raw-socket.ts";

describe("send order", () => {
  const server = useServer();

  test("frames relayed in one read reach the peer before the leave that came with them", async () => {
    const sender = await rawConnect(server.port);
    sender.sendText(JSON.stringify({ type: "join", room: "order" }));
    await sender.until((d) => d.includes('"created"'));
    const receiver = await joined(server.wsUrl, "order");
    await sender.until((d) => d.includes('"peer-joined"'));
    // One write, read by the server in one turn: two relays, then the leave (whose
    // `peer-left` to the receiver is the server's own, made a moment later in that turn).
    sender.sendTexts([
      JSON.stringify({ type: "app", to: receiver.id, payload: 1 }),
      JSON.stringify({ type: "app", payload: 2 }),
      JSON.stringify({ type: "leave" }),
    ]);
    expect(await receiver.client.next("app")).toMatchObject({ payload: 1 });
    expect(await receiver.client.next("app")).toMatchObject({ payload: 2 });
    expect(await receiver.client.next("peer-left")).toMatchObject({ reason: "left" });
    await sender.until((d) => d.includes('"left"'));
    sender.destroy();
    receiver.client.close();
  });
});

describe("a connection's relayed frames", () => {
  const limits = { messages: { perSecond: 1e9, burst: 1e9 }, bytes: { perSecond: 1e12, burst: 1e12 }, queuePerSender: 1e9, queueFromRoom: 1e9 };

  /** A Bun server whose every socket does `act` with its Connection on the first message. */
  function serve(act: (c: Connection) => void) {
    return Bun.serve<Connection>({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req, srv) {
        const data = new Connection(new Address("127.0.0.1", limits.bytes, performance.now()), limits);
        return srv.upgrade(req, { data }) ? undefined : new Response("upgrade expected", { status: 426 });
      },
      websocket: {
        open(ws) {
          ws.data.ws = ws;
        },
        message(ws) {
          act(ws.data);
        },
        close(ws) {
          ws.data.closed = true;
        },
      },
    });
  }

  /** What a socket of `server` receives after saying "go", and its close code. */
  async function receive(port: number): Promise<{ frames: string[]; code: number }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const frames: string[] = [];
    ws.addEventListener("message", (e) => frames.push(String(e.data)));
    await new Promise((r) => ws.addEventListener("open", r, { once: true }));
    ws.send("go");
    const code = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("not closed within 5 s")), 5000);
      ws.addEventListener("close", (e) => (clearTimeout(t), resolve(e.code)), { once: true });
    });
    return { frames, code };
  }

  test("go out before a close made in the same turn, and the server's own after them", async () => {
    const server = serve((c) => {
      c.deliver("relayed 1", "peer-a");
      c.deliver("own", undefined);
      c.deliver("relayed 2", "peer-b");
      c.close(4000, "done");
    });
    try {
      expect(await receive(server.port!)).toEqual({ frames: ["relayed 1", "own", "relayed 2"], code: 4000 });
    } finally {
      await server.stop(true);
    }
  });

  test("wait for the end of the turn: a frame written straight to the socket meanwhile goes first", async () => {
    const server = serve((c) => {
      c.deliver("relayed", "peer-a");
      // Past the connection, which is why the server's own frames go through it.
      c.ws!.send("straight");
      setTimeout(() => c.close(4000, "done"), 50);
    });
    try {
      expect(await receive(server.port!)).toEqual({ frames: ["straight", "relayed"], code: 4000 });
    } finally {
      await server.stop(true);
    }
  });
});
