import { Layout } from "./layout.tsx";

export function LoopbackPage({ script }: { script: string }) {
  return (
    <Layout title="Loopback test" scripts={[script]}>
      <h1>Loopback test</h1>
      <p>
        Two connections inside this page call each other: Start turns on your camera, Call connects them, and the time to the
        first picture is measured. Nothing leaves your computer.
      </p>
      <loopback-demo></loopback-demo>
    </Layout>
  );
}
