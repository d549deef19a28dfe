import type { RoomRule } from "../../../shared/room-name.ts";
import { JoinForm, Layout, ruleAttributes } from "./layout.tsx";

/** A 400 for a bad room name: the home page's form again, its field focused and tied to why. */
export function BadRoomPage({ value, reason, rule, script }: { value: string; reason: string; rule: RoomRule; script: string }) {
  return (
    <Layout title="Not a valid room name" scripts={[script]}>
      <h1>Not a valid room name</h1>
      <p>Room names are {rule.description}.</p>
      <room-join {...ruleAttributes(rule)} value={value} error={reason}>
        <JoinForm rule={rule} value={value} error={reason} />
      </room-join>
    </Layout>
  );
}

export function NotFoundPage() {
  return (
    <Layout title="Not found">
      <h1>Nothing here</h1>
      <p>
        <a href="/">Start a call</a> instead.
      </p>
    </Layout>
  );
}
