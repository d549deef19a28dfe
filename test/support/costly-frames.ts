/**
 * Frames that cost the server the most work for their size: valid `app` messages whose
 * payload is as dense in JSON values, as deeply nested or as full of escapes as a frame
 * of `maxBytes` can hold, and the same within the per-frame value limit.
 */

/** `{"type":"app","payload":[item,item,...]}` with as many items as fit in `maxBytes`. */
function filled(item: string, maxBytes: number, count = Infinity, pad = 0): string {
  const head = `{"type":"app","payload":[`;
  const tail = "]}";
  const room = maxBytes - head.length - tail.length - pad;
  const n = Math.min(count, Math.floor((room + 1) / (item.length + 1)));
  return head + Array(n).fill(item).join(",") + tail;
}

/** The same with a string of CRLF escapes after the items, filling the frame. */
function padded(item: string, count: number, maxBytes: number): string {
  const items = filled(item, maxBytes, count, 0).slice(0, -2);
  const room = maxBytes - items.length - `,""]}`.length;
  return `${items},"${"\\r\\n".repeat(Math.max(0, Math.floor(room / 4)))}"]}`;
}

export function costlyFrames(maxBytes: number): Record<string, string> {
  const nested = "[".repeat(31) + "]".repeat(31);
  return {
    "numbers, as many as fit": filled("0", maxBytes),
    "empty objects, as many as fit": filled("{}", maxBytes),
    "arrays 32 deep, as many as fit": filled(nested, maxBytes),
    "one array nested as deep as fits": `{"type":"app","payload":${"[".repeat((maxBytes - 30) / 2)}${"]".repeat((maxBytes - 30) / 2)}}`,
    "a string of CRLF escapes": `{"type":"app","payload":"${"\\r\\n".repeat(Math.floor((maxBytes - 30) / 4))}"}`,
    "4,000 empty objects and CRLF escapes": padded("{}", 4000, maxBytes),
    "4,000 numbers and CRLF escapes": padded("0", 4000, maxBytes),
  };
}
