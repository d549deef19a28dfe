import { css, html, nothing } from "lit";
import { QUALITIES, type Quality } from "./quality.ts";

/**
 * A tile's connection indicator (part `quality`): a meter as full as the level is good
 * (empty when lost), named "Connection: good" (fair, poor, lost) for screen readers and as a
 * tooltip, so it is told by length and words, not by colour alone.
 */
export function qualityIndicator(q: Quality | undefined) {
  const text = `Connection: ${q}`;
  return q
    ? html`<meter class="quality" part="quality" min="0" max="3" low="1.5" high="2.5" optimum="3" value=${3 - QUALITIES.indexOf(q)} aria-label=${text} title=${text}></meter>`
    : nothing;
}

/**
 * The indicator in the top left corner (in a one-to-one call your own picture covers the
 * other's top right), and the ring of a tile whose person is speaking. Written tight:
 * template text is not minified.
 */
export const qualityStyles = css`
  .quality { position: absolute; top: 0.5rem; left: 0.5rem; width: 2rem }
  .tile[speaking] { outline: 3px solid var(--rc-speaking, #22c55e); outline-offset: -3px }
`;
