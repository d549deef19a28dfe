import { Layout } from "./layout.tsx";

export function LoopbackPage({ script, relay }: { script: string; relay: boolean }) {
  return (
    <Layout title="Loopback test" scripts={[script]}>
      <h1>Loopback test</h1>
      <p>
        Two connections inside this page call each other: Start turns on your camera, Call connects them, and the time to the
        first picture is measured. Nothing leaves your computer.
      </p>
      <loopback-demo></loopback-demo>
      {relay ? (
        <section class="relay-test">
          <h2>Check the relay</h2>
          <p>
            Networks that block direct connections need this server's relay (TURN). This test connects the two sides through
            the relay only, and says whether that works from where you are and how fast.
          </p>
          <loopback-demo relay-test></loopback-demo>
        </section>
      ) : null}
    </Layout>
  );
}
