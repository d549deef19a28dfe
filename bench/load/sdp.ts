/**
 * An SDP-like string of an exact length. Real SDP is CRLF-separated lines, and those
 * escapes cost JSON work on both sides, so a run of one letter would flatter the parser.
 */
const LINES = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "a=msid-semantic: WMS stream",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 127",
  "c=IN IP4 0.0.0.0",
  "a=rtcp:9 IN IP4 0.0.0.0",
  "a=ice-ufrag:Xk3v",
  "a=ice-pwd:Yq9b1jH2mR4tVw8zL0cN6dE5",
  "a=fingerprint:sha-256 4A:1B:9C:7D:2E:6F:30:81:A2:B3:C4:D5:E6:F7:08:19:2A:3B:4C:5D:6E:7F:80:91:A2:B3:C4:D5:E6:F7:08:19",
  "a=setup:actpass",
  "a=mid:0",
  "a=sendrecv",
  "a=rtcp-mux",
  "a=rtpmap:96 VP8/90000",
  "a=rtcp-fb:96 goog-remb",
  "a=rtcp-fb:96 transport-cc",
  "a=rtcp-fb:96 nack pli",
];

export function sdpOf(bytes: number): string {
  let s = "";
  for (let i = 0; s.length < bytes; i++) s += `${LINES[i % LINES.length]}\r\n`;
  return s.slice(0, bytes);
}

/** The `description` frame a client sends, carrying an SDP of `sdpBytes`. */
export function descriptionFrame(sdpBytes: number): string {
  return JSON.stringify({ type: "description", description: { type: "offer", sdp: sdpOf(sdpBytes) } });
}
