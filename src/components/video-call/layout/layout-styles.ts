import { css } from "lit";

/*
 * The layouts of `<video-call>` (see layout.ts). They follow the element's own width (it is
 * a size container), not the window's, so an element in a narrow column of a wide page
 * arranges itself as on a phone. Written tight: template text is not minified.
 * - buttons: tap targets of at least 44 px;
 * - pair: the other fills the box; this side in the top right corner, so the other's name
 *   (bottom left) and click-to-play (bottom right) stay visible;
 * - pair: the other's picture no taller than --rc-video-max-height (of the window: the controls
 *   stay in sight), then fitted whole rather than cropped;
 * - this side's caption: cut with an ellipsis in so small a tile;
 * - grid in a narrow element: two columns of people rather than one long column.
 */
export const layoutStyles = css`
  :host { container-type: inline-size }
  button { min-height: 44px }
  :host([layout=pair]) .videos { grid-template-columns: 1fr; position: relative }
  :host([layout=pair]) .self { position: absolute; z-index: 1; top: 0.5rem; right: 0.5rem; width: var(--rc-self-view-width, clamp(5.5rem, 25%, 20rem)); box-shadow: 0 2px 8px #0008 }
  :host([layout=pair]) [part~=remote-video] { max-height: var(--rc-video-max-height, 75vh); object-fit: contain }
  :host([layout=pair]) .self figcaption { left: 0.25rem; bottom: 0.25rem; max-width: calc(100% - 1rem); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 0.7rem }
  @container (max-width: 540px) { :host([layout=grid]) .videos { grid-template-columns: 1fr 1fr } }
`;
