import { css } from "lit";

/** The lobby and the device pickers (template text is not minified: written tight). */
export const deviceStyles = css`
  .lobby { display: grid; gap: var(--rc-gap, 0.5rem); max-width: 40rem }
  .lobby .controls { margin: 0 }
  meter { width: 10rem; vertical-align: middle }
  .pickers { display: flex; flex-wrap: wrap; gap: var(--rc-gap, 0.5rem) 1rem; margin-top: var(--rc-gap, 0.5rem) }
  .pickers label { display: grid; gap: 0.2rem }
  select { font: inherit; max-width: 18rem; padding: 0.3rem; border-radius: var(--rc-radius, 10px) }
  select:focus-visible { outline: 3px solid var(--rc-focus, #2563eb); outline-offset: 2px }
`;
