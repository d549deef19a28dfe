import { css } from "lit";

/**
 * The layouts of `<video-call>` (see layout.ts). They follow the element's own width (it is
 * a size container), not the window's, so an element in a narrow column of a wide page
 * arranges itself as on a phone.
 */
export const layoutStyles = css`
  :host {
    container-type: inline-size;
  }
  .videos {
    position: relative;
    /* Never wider than the element, whatever --rc-tile-min-width says. */
    grid-template-columns: repeat(auto-fit, minmax(min(var(--rc-tile-min-width, 240px), 100%), 1fr));
  }
  /* Tap targets of at least 44 px. */
  button {
    min-height: 44px;
    min-width: 44px;
  }
  :host([layout="pair"]) .videos {
    grid-template-columns: 1fr;
  }
  /* Top right: the other's name (bottom left) and click-to-play (bottom right) stay visible. */
  :host([layout="pair"]) .self {
    position: absolute;
    z-index: 1;
    top: 0.5rem;
    right: 0.5rem;
    width: var(--rc-self-view-width, clamp(5.5rem, 25%, 20rem));
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.45);
  }
  :host([layout="pair"]) .self .placeholder {
    font-size: 1.25rem;
  }
  figcaption {
    max-width: calc(100% - 1rem);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  :host([layout="pair"]) .self figcaption {
    left: 0.25rem;
    bottom: 0.25rem;
    font-size: 0.7rem;
  }
  /* A narrow element: two columns of people rather than one long column. */
  @container (max-width: 540px) {
    :host([layout="grid"]) .videos {
      grid-template-columns: 1fr 1fr;
    }
  }
`;
