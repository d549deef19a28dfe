/**
 * One DTLS certificate for all of an element's connections, made ahead of the first one.
 * A connection made without one generates its own key pair first, and its first offer waits
 * for that: most of the offer's time on a busy machine. Kept in memory only, for as long as
 * the element lives, so it identifies nothing beyond the call it is used in.
 */

/** A certificate this close to its expiry (browsers make them for 30 days) is made again. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

export class DtlsCertificate {
  #current: RTCCertificate | null = null;
  #making = false;

  /** Starts making one, unless there is one that stays valid or one is on its way. */
  prepare(): void {
    if (this.#making || (this.#current && this.#current.expires - Date.now() > RENEW_BEFORE_MS)) return;
    this.#making = true;
    RTCPeerConnection.generateCertificate({ name: "ECDSA", namedCurve: "P-256" } as EcKeyGenParams).then(
      (c) => void (this.#current = c),
      // Not here, or refused: each connection makes its own, as without this.
      () => {},
    ).finally(() => (this.#making = false));
  }

  /** The certificate for a new connection, if it is ready (a connection never waits for it). */
  get(): RTCCertificate[] | undefined {
    const c = this.#current;
    return c && c.expires > Date.now() ? [c] : undefined;
  }
}
