import { css } from "lit";

/** Looks shared by the call elements; every colour and size can be set from outside. */
export const theme = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rc-text, inherit);
  }
  [hidden] {
    display: none !important;
  }
  /* Read by screen readers, not shown. */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .videos {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(var(--rc-tile-min-width, 240px), 100%), 1fr));
    gap: var(--rc-gap, 0.5rem);
  }
  .tile {
    position: relative;
    margin: 0;
  }
  video {
    display: block;
    width: 100%;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    background: var(--rc-video-background, #111);
    border-radius: var(--rc-radius, 10px);
  }
  figcaption {
    position: absolute;
    left: 0.5rem;
    bottom: 0.5rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    background: rgb(0 0 0 / 0.55);
    color: #fff;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: var(--rc-gap, 0.5rem);
  }
  button {
    font: inherit;
    padding: 0.5rem 1rem;
    border: 1px solid transparent;
    border-radius: var(--rc-radius, 10px);
    background: var(--rc-button-background, #e5e7eb);
    color: var(--rc-button-text, #111);
    cursor: pointer;
  }
  button[aria-pressed="true"],
  button.active {
    background: var(--rc-pressed-background, #fde68a);
  }
  button:focus-visible {
    outline: 3px solid var(--rc-focus, #2563eb);
    outline-offset: 2px;
  }
  button.primary {
    background: var(--rc-accent, #2563eb);
    color: var(--rc-accent-text, #fff);
  }
  button.danger {
    background: var(--rc-danger, #c62828);
    color: #fff;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .state {
    margin: 0.5rem 0 0;
    min-height: 1.5em;
  }
  /* Readable in both colour schemes (the pages declare color-scheme: light dark). */
  .error,
  .notice,
  .state.error {
    color: var(--rc-danger-text, light-dark(#c62828, #ff8a80));
  }
`;
