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
    .verdict {
      margin: 0 0 0.5rem;
      font-weight: 600;
    }
    .level {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      margin-bottom: 0.5rem;
    }
    meter {
      width: 12rem;
    }
    details {
      margin-top: 0.75rem;
    }
  `,
];
