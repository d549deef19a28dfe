/** Accessibility checks for the component tests: axe in both colour schemes, and focus. */
import { expect } from "@open-wc/testing";

/** Runs axe on `el` (shadow roots included) with the page in light, then in dark mode. */
export async function accessibleInBothSchemes(el: HTMLElement, what: string): Promise<void> {
  // The browser picks its colours (and light-dark()) from the used colour scheme, which the
  // site's pages leave to the person's preference (color-scheme: light dark). Here each scheme
  // is set outright rather than by emulating the preference: Firefox over WebDriver BiDi cannot
  // emulate prefers-color-scheme, and the elements follow color-scheme alone.
  const root = document.documentElement.style;
  root.background = "Canvas";
  root.color = "CanvasText";
  const canvas = new Set<string>();
  try {
    for (const colorScheme of ["light", "dark"] as const) {
      root.colorScheme = colorScheme;
      await new Promise((r) => requestAnimationFrame(r));
      canvas.add(getComputedStyle(document.documentElement).backgroundColor);
      try {
        await expect(el).to.be.accessible();
      } catch {
        // Say which rules failed where, not just that some did.
        const axe = (window as unknown as { axe: { run(el: Element): Promise<{ violations: { id: string; nodes: { target: unknown; failureSummary?: string }[] }[] }> } }).axe;
        const { violations } = await axe.run(el);
        const detail = violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join("; ")}`).join(" | ");
        throw new Error(`${what}, ${colorScheme} scheme: ${detail}`);
      }
    }
    // The two runs really saw two schemes.
    expect(canvas.size, "Canvas differs between the schemes").to.equal(2);
  } finally {
    root.colorScheme = root.background = root.color = "";
  }
}

/** The element focused now, looking into shadow roots. */
export function focused(): Element | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
