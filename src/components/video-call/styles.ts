import { css } from "lit";
import { theme } from "../shared/theme.ts";

/** The shared theme plus what only `<video-call>` shows: error colours and the click-to-play button. */
export const styles = [
  theme,
  css`
    .notice,
    .state.error {
      color: var(--rc-danger, #c62828);
    }
    .unmute {
      position: absolute;
      inset: auto 0.5rem 0.5rem auto;
    }
  `,
];
