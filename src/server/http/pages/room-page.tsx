import type { RoomRule } from "../../../shared/room-name.ts";
import { Layout, ruleAttributes } from "./layout.tsx";

/**
 * A room's page: the call, and the link to invite others (`invite`: the room's address as the
 * server sees it; `<copy-link>` puts the address the browser shows in its place).
 */
export function RoomPage({ room, scripts, invite, rule, token }: { room: string; scripts: string[]; invite: string; rule: RoomRule; token?: string }) {
  return (
    <Layout title={`Room ${room}`} scripts={scripts}>
      <h1>
        Room{" "}
        <span class="room-name" title={room}>
          {room}
        </span>
      </h1>
      <copy-link class="invite">
        <label for="invite-link">Invite link</label>
        <input id="invite-link" readonly value={invite} />
        <button type="button" hidden>
          Copy invite link
        </button>
        <span class="invite-status" role="status"></span>
      </copy-link>
      <video-call room={room} {...ruleAttributes(rule)} {...(token ? { token } : {})} title-count join-sound>
        <p class="noscript">This call needs JavaScript, a camera and a microphone.</p>
      </video-call>
      <p class="share">
        <a href="/">Leave for another room</a>
      </p>
    </Layout>
  );
}
