/** Accessibility checks for the component tests: axe in both colour schemes, and focus. */
import { expect } from "@open-wc/testing";
import { emulateMedia } from "@web/test-runner-commands";

/** Runs axe on `el` (shadow roots included) with the page in light, then in dark mode. */
export async function accessibleInBothSchemes(el: HTMLElement, what: string): Promise<void> {
  // As the site's pages do: the browser picks its colours (and light-dark()) from the scheme.
  const root = document.documentElement.style;
  root.colorScheme = "light dark";
  root.background = "Canvas";
  root.color = "CanvasText";
  try {
    for (const colorScheme of ["light", "dark"] as const) {
      await emulateMedia({ colorScheme });
      await new Promise((r) => requestAnimationFrame(r));
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
  } finally {
    await emulateMedia({ colorScheme: "light" });
    root.colorScheme = root.background = root.color = "";
  }
}

/** The element focused now, looking into shadow roots. */
export function focused(): Element | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
