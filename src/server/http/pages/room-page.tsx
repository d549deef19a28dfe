import type { RoomRule } from "../../../shared/room-name.ts";
import { Layout, ruleAttributes } from "./layout.tsx";

/** `lobby`: the pre-join screen first (people check camera and microphone); off for pages that measure or test a call's set-up alone. */
export function RoomPage({ room, script, rule, token, lobby = true }: { room: string; script: string; rule: RoomRule; token?: string; lobby?: boolean }) {
  return (
    <Layout title={`Room ${room}`} scripts={[script]}>
      <h1>
        Room{" "}
        <span class="room-name" title={room}>
          {room}
        </span>
      </h1>
      <p class="share">
        Share this page's address to invite someone. <a href="/">Leave for another room</a>
      </p>
      <video-call room={room} {...ruleAttributes(rule)} {...(token ? { token } : {})} title-count join-sound {...(lobby ? { lobby: true } : {})}>
        <p class="noscript">This call needs JavaScript, a camera and a microphone.</p>
      </video-call>
    </Layout>
  );
}
