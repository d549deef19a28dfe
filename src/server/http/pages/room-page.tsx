import type { RoomRule } from "../../../shared/room-name.ts";
import { Layout, ruleAttributes } from "./layout.tsx";

export function RoomPage({ room, script, rule, token }: { room: string; script: string; rule: RoomRule; token?: string }) {
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
      <video-call room={room} {...ruleAttributes(rule)} {...(token ? { token } : {})} title-count join-sound>
        <p class="noscript">This call needs JavaScript, a camera and a microphone.</p>
      </video-call>
    </Layout>
  );
}
