import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from "lit";
import { MicLevelController } from "../../controllers/mic-level-controller.ts";
import { toggles } from "../view/controls.ts";

type Kind = "on" | "off" | "none";

export interface LobbyView {
  microphone: Kind;
  camera: Kind;
  pickers: TemplateResult;
  onMicrophone(): void;
  onCamera(): void;
  onJoin(): void;
}

/**
 * The pre-join screen of `<video-call lobby>`: the camera and microphone are captured here
 * (and kept for the call), with a level meter on the microphone while it lasts.
 */
export class Lobby implements ReactiveController {
  /** Showing the lobby (no seat taken yet). */
  active = false;
  /** The capture of the preview, while it runs or once done: Join waits for it. */
  preview: Promise<void> | null = null;
  private readonly meter: MicLevelController;
  private watched: MediaStream | null = null;
  /** The meter reads nothing until the page has had a click or key press (autoplay rules). */
  private readonly resume = () => this.meter.resume();

  constructor(
    host: ReactiveControllerHost,
    private readonly stream: () => MediaStream | null,
  ) {
    host.addController(this);
    this.meter = new MicLevelController(host);
  }

  close(): void {
    this.active = false;
    this.preview = null;
  }

  hostUpdated(): void {
    // The meter follows the microphone in use (a new stream after a switch).
    const stream = this.active ? this.stream() : null;
    if (stream === this.watched) return;
    this.watched = stream;
    if (stream) this.meter.watch(stream);
    else this.meter.stop();
  }

  view(v: LobbyView) {
    // Template text is not minified: written tight.
    return html`<section class="lobby" part="lobby" aria-label="Before you join" @pointerdown=${this.resume} @keydown=${this.resume}>
<figure class="tile self" part="tile self-tile"><video class="local" part="local-video" muted playsinline autoplay aria-label="Your own picture"></video>${v.camera === "on" ? nothing : html`<div class="placeholder" part="placeholder" aria-hidden="true">You</div>`}</figure>
<label class="level">Microphone level <meter part="mic-level" min="0" max="1" low="0.05" .value=${this.meter.level}></meter></label>
${v.pickers}
<div class="controls" part="controls">${toggles(v)} <button part="button join" class="primary" @click=${v.onJoin}>Join</button></div>
</section>`;
  }
}
