import type { ReactiveController, ReactiveControllerHost } from "lit";
import { PeerLink, type PeerLinkOptions } from "./peer-link.ts";

/**
 * The peer connections of one element, one PeerLink per remote peer (a mesh when the room
 * holds more than two). Every connection is closed in hostDisconnected.
 */
export class PeerLinksController implements ReactiveController {
  readonly links = new Map<string, PeerLink>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get(peerId: string): PeerLink | undefined {
    return this.links.get(peerId);
  }

  /** A new link to `peerId`, replacing (and closing) any link it had. */
  open(options: PeerLinkOptions): PeerLink {
    this.close(options.peerId);
    const link = new PeerLink(options);
    this.links.set(options.peerId, link);
    this.host.requestUpdate();
    return link;
  }

  close(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    link.close();
    this.links.delete(peerId);
    this.host.requestUpdate();
  }

  closeAll(): void {
    for (const id of [...this.links.keys()]) this.close(id);
  }

  hostDisconnected(): void {
    this.closeAll();
  }
}
