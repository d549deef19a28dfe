/** One-line JSON logs. Callers pass ids and codes only: never SDP or candidate contents. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function createLogger(level: "info" | "error" | "silent", write: (line: string) => void = console.log): Logger {
  const emit = (lvl: string, event: string, fields?: LogFields) =>
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...fields }));
  return {
    info: level === "info" ? (e, f) => emit("info", e, f) : () => {},
    error: level === "silent" ? () => {} : (e, f) => emit("error", e, f),
  };
}
