import { type Child, createContext, useContext } from "hono/jsx";

/** The stylesheet's current, content-hashed URL: every page links it (set by `page` in site.tsx). */
export const StylesheetUrl = createContext("");
import type { RoomRule } from "../../../shared/room-name.ts";

export interface LayoutProps {
  title: string;
  /** Module scripts of the page (content-hashed asset URLs). */
  scripts?: string[];
  children?: Child;
}

/** The server's room-name rule as attributes of the elements, so they check what it checks. */
export function ruleAttributes(rule: RoomRule): Record<string, string> {
  return { "room-max-length": String(rule.maxLength), "room-charset": rule.charset };
}

/** The frame of every page. No inline scripts or styles: the CSP allows none. */
export function Layout({ title, scripts = [], children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Roomcall`}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={useContext(StylesheetUrl)} />
        {scripts.map((src) => (
          <script type="module" src={src}></script>
        ))}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">
            Roomcall
          </a>
          <nav>
            <a href="/">Start a call</a>
            <a href="/loopback">Test your camera</a>
          </nav>
        </header>
        <main>{children}</main>
        <footer class="site-footer">Calls go straight between browsers; this server only introduces them.</footer>
      </body>
    </html>
  );
}

/** The join form as plain HTML: what `<room-join>` shows before (or without) JavaScript. */
export function JoinForm({ rule, value = "", error }: { rule: RoomRule; value?: string; error?: string }) {
  return (
    <form action="/join" method="get" class="join-fallback">
      <label>
        Room name
        <input
          name="room"
          value={value}
          required
          maxlength={rule.maxLength}
          pattern={rule.pattern}
          autocomplete="off"
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "join-error" : undefined}
          autofocus={error ? true : undefined}
        />
      </label>
      <button>Join</button>
      {error ? (
        <p class="error" id="join-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
