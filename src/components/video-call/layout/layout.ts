/**
 * How `<video-call>` arranges its tiles, by how many others are in the call: `solo` (waiting
 * alone: this side large), `pair` (one other person fills the element, this side a small
 * overlay in a corner), `grid` (three people on: everyone a tile of the same size, this
 * side included, so no one is covered and the order stays put as people come and go).
 */
export type CallLayout = "solo" | "pair" | "grid";

export const layoutFor = (others: number): CallLayout => (others < 1 ? "solo" : others < 2 ? "pair" : "grid");
