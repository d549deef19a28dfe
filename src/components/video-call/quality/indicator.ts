import { css, html, nothing } from "lit";
import type { Quality } from "./quality.ts";

/**
 * A tile's connection indicator (part `quality`): three bars, as many lit as the level is
 * good (none when lost), with the level in words for screen readers and as a tooltip,
 * so it is told by shape and text, not by colour alone.
 */
export function qualityIndicator(q: Quality | undefined) {
  if (!q) return nothing;
  const text = `Connection: ${q}`;
  return html`<span class="quality" part="quality" title=${text}><i></i><i></i><i></i><span class="visually-hidden">${text}</span></span>`;
}

/** The indicator, and the ring of a tile whose person is speaking. */
export const qualityStyles = css`
  .quality {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    display: flex;
    align-items: flex-end;
    gap: 2px;
    padding: 3px;
    border-radius: 4px;
    background: rgb(0 0 0 / 0.55);
  }
  .quality i {
    width: 4px;
    height: 5px;
    background: #fff;
  }
  .quality i + i {
    height: 9px;
  }
  .quality i + i + i {
    height: 13px;
  }
  [data-quality="fair"] .quality i + i + i,
  [data-quality="poor"] .quality i + i,
  [data-quality="lost"] .quality i {
    opacity: 0.3;
  }
  [data-quality="poor"] .quality i,
  [data-quality="lost"] .quality i {
    background: #fca5a5;
  }
  .tile[speaking] {
    outline: 3px solid var(--rc-speaking, #22c55e);
    outline-offset: -3px;
  }
`;
