import type { RoomRule } from "../../shared/room-name.ts";
import { JoinForm, Layout } from "./layout.tsx";

/** A 400 for a bad room name, saying why, with the form to try again. */
export function BadRoomPage({ value, reason, rule }: { value: string; reason: string; rule: RoomRule }) {
  return (
    <Layout title="Not a valid room name">
      <h1>Not a valid room name</h1>
      <p class="error">{reason}</p>
      <p>Room names are {rule.description}.</p>
      <JoinForm rule={rule} value={value} />
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
