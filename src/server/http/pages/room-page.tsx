import type { RoomRule } from "../../../shared/room-name.ts";
import { Layout, ruleAttributes } from "./layout.tsx";

/**
 * A room's page: the call, and the link to invite others (`invite`: the room's address as the
 * server sees it; `<copy-link>` puts the address the browser shows in its place). `lobby`: the
 * pre-join screen first (people check camera and microphone); off for pages that measure or
 * test a call's set-up alone.
 */
export function RoomPage({ room, scripts, invite, rule, token, lobby = true }: { room: string; scripts: string[]; invite: string; rule: RoomRule; token?: string; lobby?: boolean }) {
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
      <video-call room={room} {...ruleAttributes(rule)} {...(token ? { token } : {})} title-count join-sound {...(lobby ? { lobby: true } : {})}>
        <p class="noscript">This call needs JavaScript, a camera and a microphone.</p>
      </video-call>
      <p class="share">
        <a href="/">Leave for another room</a>
      </p>
    </Layout>
  );
}
