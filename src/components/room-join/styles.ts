import { css } from "lit";

export const styles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rc-text, inherit);
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: flex-end;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    flex: 1 1 14rem;
  }
  input {
    font: inherit;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--rc-border, #8a8f98);
    border-radius: var(--rc-radius, 8px);
  }
  input[aria-invalid="true"] {
    border-color: var(--rc-danger, #c62828);
  }
  button {
    font: inherit;
    padding: 0.5rem 1.25rem;
    border: 0;
    border-radius: var(--rc-radius, 8px);
    background: var(--rc-accent, #2563eb);
    color: var(--rc-accent-text, #fff);
    cursor: pointer;
  }
  button[aria-disabled="true"] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--rc-focus, #2563eb);
    outline-offset: 2px;
  }
  .error {
    /* Readable in both colour schemes (the pages declare color-scheme: light dark). */
    color: var(--rc-danger-text, light-dark(#c62828, #ff8a80));
    min-height: 1.25em;
    flex-basis: 100%;
    margin: 0;
  }
  output {
    flex-basis: 100%;
    color: var(--rc-muted, light-dark(#5f6672, #a9b0bb));
    min-height: 1.25em;
  }
`;
