/**
 * A "Copy invite link" control for a page: copies the link with the Clipboard API and, where
 * that is missing or refused, selects the link in its read-only field for the person to copy
 * (Ctrl+C, ⌘C, or the phone's own menu); a polite live region says which. It enhances what the
 * page already shows, in the light DOM (styled by the page): a labelled read-only `<input>`
 * holding the link, a `<button hidden>` it shows, and an element with `role="status"`.
 * Without JavaScript the link is there to copy by hand. Plain DOM, no Lit: a few hundred bytes.
 *
 * @example
 * <copy-link>
 *   <label>Invite link <input readonly value="https://call.example/room/standup"></label>
 *   <button type="button" hidden>Copy invite link</button>
 *   <span role="status"></span>
 * </copy-link>
 *
 * @attr href - The link to copy. Default: this page's address without query or fragment (a join token there is this person's own, not for sharing).
 */
export class CopyLink extends HTMLElement {
  connectedCallback(): void {
    const input = this.querySelector("input")!;
    const button = this.querySelector("button")!;
    const status = this.querySelector("[role=status]")!;
    input.value = this.getAttribute("href") || location.origin + location.pathname;
    input.onfocus = () => input.select();
    button.hidden = false;
    button.onclick = async () => {
      // Emptied first, so that a second press is announced again.
      status.textContent = "";
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = "Link copied.";
      } catch {
        input.focus();
        input.select();
        status.textContent = "The link is selected: copy it (Ctrl+C or ⌘C).";
      }
    };
  }
}

customElements.define("copy-link", CopyLink);

declare global {
  interface HTMLElementTagNameMap {
    "copy-link": CopyLink;
  }
}
