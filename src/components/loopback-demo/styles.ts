import { css } from "lit";
import { theme } from "../shared/theme.ts";

/** The shared theme plus the demo's state lines. */
export const styles = [
  theme,
  css`
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.1rem 1rem;
      margin: 0.5rem 0 0;
    }
    dd {
      margin: 0;
      font-family: ui-monospace, monospace;
    }
    .error {
      color: var(--rc-danger, #c62828);
    }
  `,
];
