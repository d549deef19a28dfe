import { css } from "lit";

/** The chat panel under the controls, and the unread badge on its toggle. */
export const chatStyles = css`
  .chat-log{max-height:var(--rc-chat-height,16rem);overflow-y:auto;margin-top:var(--rc-gap,.5rem)}
  .chat-log p{margin:0 0 .4rem;white-space:pre-wrap;overflow-wrap:anywhere}
  .note,time{font-size:.8rem}
  .chat form{display:flex;align-items:center;gap:.5rem}
  .chat input{flex:1;min-width:0;font:inherit;padding:.4rem}
  .chat :focus-visible{outline:3px solid var(--rc-focus,#2563eb)}
  .badge{padding:0 .4rem;border-radius:9px;background:var(--rc-accent,#2563eb);color:var(--rc-accent-text,#fff)}
`;
