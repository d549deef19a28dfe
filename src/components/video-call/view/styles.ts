import { css } from "lit";
import { theme } from "../../shared/theme.ts";
import { layoutStyles } from "../layout/layout-styles.ts";
import { qualityStyles } from "../quality/indicator.ts";

/** The shared theme plus what only `<video-call>` shows: error colours and the click-to-play button. */
export const styles = [
  theme,
  css`
    .tile {
      overflow: hidden;
      border-radius: var(--rc-radius, 10px);
    }
    .placeholder {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      font-size: 2.5rem;
      font-weight: 600;
      color: #e5e7eb;
      background: var(--rc-video-background, #111);
    }
    figcaption .status::before {
      content: " · ";
    }
    .notice {
      margin: 0.5rem 0 0;
    }
    .notice button {
      margin-left: 0.5rem;
      padding: 0.2rem 0.6rem;
    }
    .unmute {
      position: absolute;
      inset: auto 0.5rem 0.5rem auto;
    }
  `,
  layoutStyles,
  qualityStyles,
];
