import type { RoomRule } from "../../../shared/room-name.ts";
import { JoinForm, Layout, ruleAttributes } from "./layout.tsx";

export function HomePage({ script, capacity, rule, error, value }: { script: string; capacity: number; rule: RoomRule; error?: string; value?: string }) {
  return (
    <Layout title="Video calls in your browser" scripts={[script]}>
      <section class="hero">
        <h1>Meet in a room</h1>
        <p>
          Pick a room name and share the link. The first person in the room waits; up to {capacity} people can join it and
          see and hear each other. Nothing to install: it runs in the browser.
        </p>
        <room-join {...ruleAttributes(rule)} {...(error ? { value: value ?? "", error } : {})}>
          <JoinForm rule={rule} value={value} error={error} />
        </room-join>
      </section>
      <section>
        <h2>Check your camera first</h2>
        <p>
          The <a href="/loopback">loopback test</a> calls yourself inside one page, to show your camera, microphone and browser work
          and how fast a call sets up.
        </p>
      </section>
    </Layout>
  );
}
