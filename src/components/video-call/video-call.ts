import { LitElement, html, nothing } from "lit";
import { customElement, property, state } from "lit/decorators.js";
import { repeat } from "lit/directives/repeat.js";
import { createRoomRule } from "../../shared/room-name.ts";
import { ScreenShareController } from "../controllers/screen-share-controller.ts";
import { iceServers, iceServersProblem, iceTransportPolicy, onOff } from "../shared/converters.ts";
import { emit } from "../shared/events.ts";
import { defaultSignalingUrl } from "../shared/signaling-url.ts";
import type { MediaErrorReason } from "../shared/media-error.ts";
import { type CallState, callState, type EndedState, ERROR_STATES, iceErrorText } from "./call-state.ts";
import { GuestNames } from "./view/guest-names.ts";
import { notices } from "./view/notices.ts";
import { statusLine } from "./view/status-line.ts";
import type {
  CallStateDetail,
  CallStateReason,
  ConfigErrorDetail,
  IceErrorDetail,
  JoinedDetail,
  PeerDetail,
  PeerMediaDetail,
  PeerLeftDetail,
  RecoveryDetail,
  RoomFullDetail,
} from "./events.ts";
import { controls } from "./view/controls.ts";
import { isKeyFrameRequest, KEY_FRAME_REQUEST, mediaStateMessage, readMediaState } from "./session/peer-media.ts";
import { chime, setTitleCount } from "./view/presence.ts";
import { StatsController } from "./quality/stats-controller.ts";
import { RemoteMedia } from "./media/remote-media.ts";
import { RoomSession } from "./session/room-session.ts";
import { SeatWatch } from "./session/seat-watch.ts";
import { CallMedia } from "./media/call-media.ts";
import { localTile, remoteTile } from "./view/tiles.ts";
import { type CallLayout, layoutFor } from "./layout/layout.ts";
import { ChatController } from "./chat/chat-controller.ts";
import { chatPanel, chatToggle } from "./chat/chat-panel.ts";
import { chatStyles } from "./chat/chat-styles.ts";
import { styles } from "./view/styles.ts";
import type { CallDevices } from "./devices/device-controller.ts";
import { Lobby } from "./devices/lobby.ts";
import { pickers, settingsButton, settingsPanel } from "./devices/pickers.ts";
import { deviceStyles } from "./devices/styles.ts";

export type { CallState } from "./call-state.ts";
export type { CallDevices, DeviceOption } from "./devices/device-controller.ts";
export type * from "./events.ts";

/**
 * A video call in a room: captures camera and microphone, joins the room through the
 * signaling server and calls everyone in it (a mesh above two), over WebRTC with trickle
 * ICE and perfect negotiation. Hang Up, or removing the element, releases everything
 * (a `leave` to the server, every track stopped, every connection and the socket closed).
 * A hung-up element starts again with `join()`, with a new `room`, or when put back on the page.
 *
 * The camera and microphone are captured once a seat is taken (a full room never lights the
 * camera), or, with `lobby`, on the pre-join screen, and kept for the call. Someone still
 * answering the browser's prompt after 3 s is in the call without them meanwhile (seeing and
 * hearing the others, with a notice), and what they allow is sent once had. The `devices`
 * property lists cameras, microphones and speakers; `setCamera()`, `setMicrophone()`,
 * `setSpeaker()` and the Settings pickers switch them mid-call (a track swap on every link,
 * the old track stopped), remembered per origin (localStorage `roomcall.devices`). A device in
 * use that goes away is replaced by another of its kind, or the call goes on without it.
 * A missing or refused camera or microphone does not stop the call: it goes on with
 * what there is (microphone only, camera only, or receive-only), `media-error` says why, and
 * `retryMedia()` (or the Try again button) asks again. Every peer in the room has a tile,
 * with a placeholder when no picture comes, and the peers tell each other (over the
 * connection, not the server) when their microphone or camera is off.
 *
 * Text chat goes over the same connections (end-to-end encrypted, never through the server)
 * to everyone in the call at the time: someone who joins later does not see what was said
 * before. A message waits for a connection still being made, and goes once it is up.
 * Messages are text (never HTML), at most 2000 characters; at most 10 at once and then 5 a
 * second are sent, and from each peer 20 at once and then 5 a second are shown (the panel
 * says when some were not). The panel keeps the last 200.
 *
 * @example
 * <video-call room="team-standup"></video-call>
 *
 * @attr room - The room to join (1–64 of letters, digits, `-`, `_`). Changing it moves to that room.
 * @attr signaling-url - WebSocket URL of the signaling server. Default: `/ws` on the origin this script was loaded from.
 * @attr audio - `off` to start with the microphone off (not captured).
 * @attr video - `off` to start with the camera off (not captured).
 * @attr ice-servers - JSON array of RTCIceServer (STUN/TURN), e.g. `[{"urls":"turn:turn.example.com:3478","username":"u","credential":"p"}]`. A value the browser cannot use puts the call in `invalid-config` and fires `config-error`.
 * @attr ice-transport-policy - `relay` to use TURN only (to test it); default `all`.
 * @attr room-max-length - The server's longest room name, when it narrows the protocol's 64 (its pages set this).
 * @attr room-charset - The server's room-name characters as a character class body, e.g. `a-z0-9-`, when it narrows them.
 * @attr token - A join token (a JWT signed by the embedding site's backend) for servers that admit only holders of one.
 * @attr name - The name the others see on this peer's tile, where the server takes no join tokens (a token's name wins, and is marked verified).
 * @attr title-count - Put the number of people in the call in front of the page's title, e.g. "(2) Room standup" (for a page of its own).
 * @attr join-sound - Play a short chime when someone joins.
 * @attr chat - The chat panel is open (shown while in the call). The Chat button sets and clears it.
 * @attr lobby - Show a pre-join screen first: your own picture, a microphone level meter, pickers for camera, microphone and (where the browser can) speaker, camera and microphone toggles, and Join. The call starts (a seat, then the call) when Join is pressed or `join()` called, with what was captured there. State `lobby` meanwhile; camera or microphone problems show there, with the reason.
 * @attr state - (read only) Where the call is: idle, lobby, starting, connecting, waiting, connecting-peer, connected, reconnecting, failed, full, invalid-room, invalid-config, unauthorized, replaced, disconnected, hung-up.
 * @attr media-error - (read only) Why camera/microphone could not be had: permission-denied, no-device, device-in-use, constraints, insecure-context, unknown.
 * @attr sharing-screen - (read only) Present while a screen is shared instead of the camera.
 * @attr layout - (read only) How the tiles are arranged: `solo` (alone: your own picture large), `pair` (one other person fills the element, your own picture a small overlay in the top right corner), `grid` (three people on: everyone in a grid, you included). The arrangement follows the element's width, not the window's (the element is a CSS size container: in a flex row give it a width or `flex: 1`).
 *
 * @fires call-state - The state changed; detail `{ state, reason?, code? }` (reason e.g. `rate-limited`, `message-too-big`, `replaced`, `server-restart`, `unreachable`, `room-limit`, `unavailable`, `ice-servers`; code: the WebSocket close code behind it).
 * @fires joined - In the room; detail `{ id, peers, resumed }`.
 * @fires peer-joined - Someone joined; detail `{ peer }`.
 * @fires peer-left - Someone left; detail `{ peer, reason }` (`left`, `closed`, `timeout`, or `gone`: no longer in the room after a reconnect).
 * @fires room-full - The room had no free seat; detail `{ room, capacity }`.
 * @fires media-error - Camera and/or microphone failed (the call goes on with what there is); detail `{ reason, message }`.
 * @fires autoplay-blocked - The browser would not play a peer's media until a click; detail `{ peer }`.
 * @fires connection-recovery - A connection to a peer is being recovered; detail `{ peer, action }` (`ice-restart` or `rebuild`).
 * @fires screen-share - Screen sharing started or stopped (also from the browser's own Stop control); detail `{ sharing }`.
 * @fires config-error - An attribute holds a value that cannot be used; detail `{ attribute, value, message }`.
 * @fires peer-media - A peer said its microphone or camera is on or off; detail `{ peer, microphone, camera }`.
 * @fires chat-message - A chat message was sent (`self: true`) or received; detail `{ from, name, text, at, self }` (from: the sender's peer id; name: as on its tile, "You" for one's own; at: ms since the epoch by this browser's clock, when sent or received here).
 * @fires device-change - The camera, microphone or speaker in use changed; detail `{ kind, deviceId, reason }` (kind `camera`, `microphone`, `speaker`; reason `selected`, `unplugged`: the device in use went away and `deviceId` took its place, or null: none left, the call goes on without; `unavailable`: the remembered device was not there, `deviceId` was used instead).
 * @fires ice-error - A STUN or TURN server could not be used (e.g. 401: credentials refused, 701: unreachable); detail `{ peer, url, code, message }`. Once per server and code in a call.
 * @fires connection-quality - A connection's quality changed (also when first measured); detail `{ peer, quality, rtt, packetLoss }`: `quality` `good`, `fair`, `poor` or `lost`; `rtt` the round trip in milliseconds (null before one was measured); `packetLoss` a fraction 0–1 over the last 3 s. `peer` is a peer's id for what comes from it, and this side's own id (`selfId`) for what it sends (the worst of its links). Thresholds: good = round trip < 300 ms, loss < 2 %, jitter of the sound < 50 ms and (with a picture) ≥ 10 frames a second; fair = round trip < 500 ms, loss < 5 %, jitter < 150 ms; poor = worse; lost = not connected, or nothing received for 5 s. Read every second; a level is taken once two readings in a row agree (`lost` at once).
 * @fires active-speaker - The peer who has the floor changed; detail `{ peer }`, null when nobody speaks. Whoever speaks keeps it until they stop (700 ms of quiet); then the loudest of the others speaking takes it. This side never does (its tile still gets `speaking`).
 *
 * @csspart videos - The grid of videos.
 * @csspart tile - Every video's tile (with `self-tile` or `remote-tile`). It carries `data-quality="good|fair|poor|lost"` once its connection was measured (on `self-tile`: how well what this side sends gets through), and `speaking` while its person is heard (sound above about −26 dBFS, held 700 ms; on `self-tile` where the browser reports the microphone's level, not in Firefox).
 * @csspart quality - A tile's connection indicator: a meter (3 for good down to 0 for lost) named "Connection: good" (or fair, poor, lost), also its tooltip.
 * @csspart self-tile - Your own tile.
 * @csspart remote-tile - One per peer in the room.
 * @csspart local-video - Your own preview (always muted).
 * @csspart remote-video - One per peer in the room.
 * @csspart placeholder - What a tile shows when no picture comes (camera off or missing).
 * @csspart state - The state line.
 * @csspart notice - A second line for camera/microphone problems (and STUN/TURN problems).
 * @csspart capture-notice - The line saying camera and microphone are still awaited (the browser is asking) while the call goes on without them.
 * @csspart ice-notice - The line saying a STUN or TURN server could not be used (while not connected).
 * @csspart screen-notice - The line saying the browser could not share a screen (not shown when the person cancelled).
 * @csspart controls - The row of buttons.
 * @csspart button - Every button.
 * @csspart microphone - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart screen-share - The Share screen / Stop sharing toggle (absent where the browser cannot share a screen).
 * @csspart hang-up - The Hang Up (or Join again) button.
 * @csspart join - The Join again (or Join now) button shown after a call.
 * @csspart retry-media - Try camera and microphone again, after they could not be had.
 * @csspart unmute - The click-to-play button shown when autoplay is blocked.
 * @csspart chat-toggle - The Chat button (aria-expanded; says how many unread while the panel is closed).
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of messages (a polite live region).
 * @csspart chat-input - The message box.
 * @csspart chat-send - The Send button.
 * @csspart chat-notice - Why a message could not be sent.
 * @csspart lobby - The pre-join screen (with `lobby`): preview, `mic-level`, pickers, the `microphone` and `camera` toggles and `join`.
 * @csspart mic-level - The microphone level meter of the lobby (a `<meter>`, 0–1).
 * @csspart settings - The Settings button of the call, which shows or hides `settings-panel`.
 * @csspart settings-panel - The device pickers during the call.
 * @csspart device-select - Every device picker (a labelled `<select>`), also `camera-select`, `microphone-select`, `speaker-select` (the last only where the browser can choose where sound plays).
 * @csspart device-notice - The line saying a device went away and what is used instead.
 *
 * @cssprop --rc-accent - Background of main buttons.
 * @cssprop --rc-accent-text - Text of main buttons.
 * @cssprop --rc-danger - Hang Up button.
 * @cssprop --rc-danger-text - Error and notice text (default: a red readable in light and dark schemes).
 * @cssprop --rc-focus - The outline of the focused control.
 * @cssprop --rc-radius - Corner radius of videos and buttons.
 * @cssprop --rc-gap - Space between videos.
 * @cssprop --rc-video-background - Background of a video without a picture.
 * @cssprop --rc-tile-min-width - Narrowest a video may get before wrapping.
 * @cssprop --rc-video-max-height - Tallest the other's picture gets in a one-to-one call (default 75vh, so the controls stay in sight); a taller picture is fitted whole.
 * @cssprop --rc-self-view-width - Width of your own picture over the other's in a one-to-one call (default 25 %, between 5.5rem and 20rem). Its corner can be moved with `video-call[layout=pair]::part(self-tile) { top: auto; bottom: 0.5rem }`.
 * @cssprop --rc-pressed-background - A toggle that is on (muted, camera off).
 * @cssprop --rc-chat-height - Tallest the chat's list of messages gets before it scrolls.
 * @cssprop --rc-speaking - The ring around the tile of whoever is speaking.
 */
@customElement("video-call")
export class VideoCall extends LitElement {
  static override styles = [styles, chatStyles, deviceStyles];

  @property({ reflect: true }) room = "";
  @property({ attribute: "signaling-url" }) signalingUrl = "";
  @property({ converter: onOff }) audio = true;
  @property({ converter: onOff }) video = true;
  @property({ attribute: "ice-servers", converter: iceServers }) iceServers: RTCIceServer[] = [];
  @property({ attribute: "ice-transport-policy", converter: iceTransportPolicy }) iceTransportPolicy: RTCIceTransportPolicy = "all";
  @property({ attribute: "room-max-length", type: Number }) roomMaxLength = 64;
  @property({ attribute: "room-charset" }) roomCharset = "A-Za-z0-9_-";
  /** Put the number of people in the call in front of the page's title, e.g. "(2) Room standup". */
  @property({ attribute: "title-count", type: Boolean }) titleCount = false;
  /** A short chime when someone joins. */
  @property({ attribute: "join-sound", type: Boolean }) joinSound = false;
  /** A join token (JWT) from the embedding site, for servers that admit only holders of one. */
  @property() token = "";
  /** The name to be known by in the call, where the server takes no join tokens (shown as given, not verified). */
  @property() name = "";
  /** The chat panel is open (shown while in the call). */
  @property({ type: Boolean, reflect: true }) chat = false;
  /** Show the pre-join screen first; read when the element starts (or is put back on the page). */
  @property({ type: Boolean }) lobby = false;

  /** Where the call is. */
  @property({ reflect: true }) state: CallState = "idle";
  /** Why camera or microphone could not be had, or null. */
  @property({ attribute: "media-error", reflect: true }) mediaError: MediaErrorReason | null = null;
  /** True while a screen is shared in place of the camera. */
  @property({ attribute: "sharing-screen", type: Boolean, reflect: true }) sharingScreen = false;
  /** A sentence the state line adds (e.g. why a room name was refused). */
  @state() private detail = "";
  /** The last STUN/TURN server problem, as a sentence (shown until the call connects). */
  @state() private iceProblem = "";
  @state() private settingsOpen = false;

  private readonly media = new CallMedia(this, {
    generation: () => this.generation,
    inCall: () => !this.idle && !this.ended,
    inLobby: () => this.lobbyView.active,
    links: () => this.session.links.values(),
    tellAll: (message) => this.session.tellAll(message),
    outputs: () => this.renderRoot.querySelectorAll?.<HTMLVideoElement>("video:not(.local)") ?? [],
    refresh: () => this.refreshState(),
  });
  private readonly self = this.media.self;
  private readonly remote = new RemoteMedia(this, (peer) => emit<PeerDetail>(this, "autoplay-blocked", { peer }));
  private readonly seats = new SeatWatch(this);
  private readonly lobbyView = new Lobby(this, () => this.self.stream);
  private readonly session = new RoomSession(
    this,
    {
      prepare: async () => {
        const generation = this.generation;
        await this.media.capture();
        // Had only after the connections began (the browser was still asking): sent on them now.
        if (generation !== this.generation || this.session.links.size === 0) return;
        this.refreshState();
        await this.media.send();
      },
      rtcConfig: () => ({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy }),
      outgoing: () => this.self.outgoing.stream(),
      token: () => this.token,
      name: () => this.name,
    },
    {
      joined: (d) => emit<JoinedDetail>(this, "joined", d),
      peerJoined: (peer) => {
        this.detail = "";
        if (this.joinSound) chime();
        emit<PeerDetail>(this, "peer-joined", { peer });
      },
      peerLeft: (d) => {
        this.remote.delete(d.peer);
        this.messages.forget(d.peer);
        this.detail = this.session.roster.size === 0 ? "The other person left." : "";
        emit<PeerLeftDetail>(this, "peer-left", d);
      },
      full: (room, capacity) => {
        this.seats.watch(this.signalingUrl || defaultSignalingUrl(), room);
        emit<RoomFullDetail>(this, "room-full", { room, capacity });
      },
      ended: (state, reason, code, text) => this.end(state, reason, code, text),
      tracks: (peer, stream) => this.remote.set(peer, stream),
      recovery: (d) => emit<RecoveryDetail>(this, "connection-recovery", d),
      iceError: (peer, { url, code, text }) => {
        const key = `${url} ${code}`;
        if (this.iceErrors.has(key)) return;
        this.iceErrors.add(key);
        this.iceProblem = iceErrorText(url, code, text);
        emit<IceErrorDetail>(this, "ice-error", { peer, url, code, message: this.iceProblem });
      },
      peerMessage: (peer, msg) => {
        if (isKeyFrameRequest(msg)) return void this.session.links.get(peer)?.sendKeyFrame();
        const state = readMediaState(msg);
        if (state && this.remote.tell(peer, state)) emit<PeerMediaDetail>(this, "peer-media", { peer, ...state });
        this.messages.receive(peer, msg);
      },
      channelOpen: (peer) => {
        this.session.tell(peer, mediaStateMessage(this.self.state()));
        this.messages.flush(peer);
      },
      changed: () => this.refreshState(),
    },
  );
  private readonly messages = new ChatController(this, this.session, {
    live: () => this.chatting,
    name: (peer) => this.session.profiles.get(peer)?.name ?? this.guest(peer),
  });
  private readonly stats = new StatsController(this, {
    links: () => this.session.links,
    selfId: () => this.session.selfId,
    // Frames a second count for a camera's picture; a shared screen that does not change sends few.
    picture: (peer) => (peer ? this.remote.said.get(peer)?.camera === true : this.self.kind("video") === "on" && !this.sharingScreen),
    pictureStuck: (peer) => this.session.tell(peer, KEY_FRAME_REQUEST),
  });
  /** No call started yet. */
  private idle = true;
  /** How the call ended (and why), while it stays ended. */
  private ended: EndedState | null = null;
  private reason: CallStateReason | undefined;
  private closeCode: number | undefined;
  /** Bumped by every join and hang-up: a capture still pending when it changes gives up. */
  private generation = 0;
  /** STUN/TURN errors already reported in this call (url and code). */
  private readonly iceErrors = new Set<string>();
  /** Stable "Guest N" numbers, by peer id. */
  private readonly guests = new GuestNames();
  /** The control to focus after the next render: the one that replaced the button just pressed. */
  private focusNext: "hang-up" | "microphone" | null = null;

  /** This peer's id in the room (server-assigned), or null. */
  get selfId(): string | null {
    return this.session.selfId;
  }

  /** How the tiles are arranged now, by how many others are in the room (the `layout` attribute). */
  get layout(): CallLayout {
    return layoutFor(this.session.roster.size);
  }

  /** Remote peer ids in the room. */
  get peers(): string[] {
    return [...this.session.roster];
  }

  /** The call waits for camera and microphone; past the session's wait it goes on without them meanwhile. */
  private get waitingForCapture(): boolean {
    return this.media.starting && !this.session.linking;
  }

  /** Seated in a call: chat works (even while the camera starts; messages wait for the connections). */
  private get chatting(): boolean {
    return !this.idle && !this.ended && this.session.selfId !== null;
  }

  /** The captured camera/microphone stream, or null. */
  get localStream(): MediaStream | null {
    return this.self.stream;
  }

  /** The cameras, microphones and speakers there are, and the one in use of each. */
  get devices(): CallDevices {
    return this.media.hardware.devices;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back on the page after a removal: start again like a new element.
    if (this.hasUpdated && this.room) this.begin(true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.release();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.setAttribute("layout", this.layout);
    if (changed.has("iceServers")) {
      const problem = iceServersProblem(this.iceServers);
      if (problem) {
        const value = this.getAttribute("ice-servers") ?? safeJson(this.iceServers);
        emit<ConfigErrorDetail>(this, "config-error", { attribute: "ice-servers", value, message: problem });
        // A call already on keeps its connections; one about to start cannot.
        if (this.media.starting) this.end("invalid-config", "ice-servers", undefined, problem);
      }
    }
    if ((changed.has("room") || changed.has("signalingUrl")) && this.isConnected && this.room && this.state !== "hung-up") {
      this.begin(false);
    }
  }

  /** Starts: in the lobby where there is one and no call was made (or `fresh`), else straight into the room. */
  private begin(fresh: boolean) {
    if (!this.lobby || !(fresh || this.idle)) return void this.join();
    if (this.lobbyView.active) return;
    this.generation++;
    this.release();
    this.idle = true;
    this.ended = null;
    this.detail = "";
    this.mediaError = null;
    this.lobbyView.active = true;
    this.preview();
    this.refreshState();
  }

  /**
   * Joins `room` (again): takes a seat, then captures camera and microphone (a full room
   * never lights the camera), then calls everyone there.
   */
  async join(): Promise<void> {
    // From the lobby: what it captured goes on into the call (no second capture).
    const fromLobby = this.lobbyView.active;
    if (fromLobby) {
      const generation = this.generation;
      await this.lobbyView.preview;
      if (generation !== this.generation) return;
    }
    this.generation++;
    this.release(fromLobby);
    this.media.keep = fromLobby;
    this.idle = false;
    this.ended = null;
    this.reason = undefined;
    this.closeCode = undefined;
    this.detail = "";
    if (!fromLobby) this.mediaError = null;
    const problem = createRoomRule(this.roomMaxLength, this.roomCharset).problem(this.room);
    if (problem) return this.end("invalid-room", undefined, undefined, problem);
    const configProblem = iceServersProblem(this.iceServers);
    if (configProblem) return this.end("invalid-config", "ice-servers", undefined, configProblem);
    this.session.start(this.room, this.signalingUrl || defaultSignalingUrl());
    this.refreshState();
  }

  /** Leaves the room and releases camera, microphone, connections and socket. Harmless twice. */
  hangUp(): void {
    this.generation++;
    if (!this.idle || this.lobbyView.active) this.end("hung-up");
  }

  /** Turns the microphone on or off (without renegotiation); returns whether it is on now. */
  toggleMicrophone(on = this.self.kind("audio") !== "on"): boolean {
    return this.media.toggle("audio", on);
  }

  /** Turns the camera on or off (the peers see a placeholder); returns whether it is on now. */
  toggleCamera(on = this.self.kind("video") !== "on"): boolean {
    return this.media.toggle("video", on);
  }

  /**
   * Shares a screen, window or tab in place of the camera, with everyone in the call and
   * everyone who joins while it lasts. The browser asks which; resolves whether a screen is
   * shared now: false when the person cancelled (a screen shared before stays shared), the
   * browser cannot, or the call is not on.
   */
  shareScreen(): Promise<boolean> {
    return this.media.shareScreen();
  }

  /**
   * Stops sharing the screen; the camera (if any) is sent again. Resolves once it is.
   * Harmless when not sharing.
   */
  stopScreenShare(): Promise<void> {
    return this.media.stopScreenShare();
  }

  /**
   * Asks for camera and microphone again (after they were refused, missing or busy) and
   * sends what it gets to everyone in the call. Resolves whether both are there now.
   */
  async retryMedia(): Promise<boolean> {
    if (this.lobbyView.active) {
      await this.preview();
      return this.self.failure === null;
    }
    return this.media.retry();
  }

  /**
   * Sends a chat message to everyone in the call (over the connections, never the server),
   * trimmed; it shows in the panel and fires `chat-message` with `self: true`. Returns false,
   * sending nothing, when it is empty, longer than 2000 characters, more than 10 at once
   * (then 5 a second), or there is no call; the panel says why.
   */
  sendMessage(text: string): boolean {
    return this.messages.send(text);
  }

  /**
   * Uses this camera from now on (remembered for the next time): in the lobby and in the
   * call, swapped in on every link without renegotiation, the old one stopped. Resolves
   * whether it is in use now (outside a call or the lobby it is only remembered).
   */
  setCamera(deviceId: string): Promise<boolean> {
    return this.media.setDevice("camera", deviceId);
  }

  /** Uses this microphone from now on, as `setCamera` does the camera. */
  setMicrophone(deviceId: string): Promise<boolean> {
    return this.media.setDevice("microphone", deviceId);
  }

  /** Plays the others' sound on this output (where the browser has `setSinkId`) and remembers it; resolves whether it does. */
  setSpeaker(deviceId: string): Promise<boolean> {
    return this.media.hardware.select("speaker", deviceId);
  }

  /** Statistics of each peer connection, by remote peer id. */
  getStats(): Promise<Map<string, RTCStatsReport>> {
    return this.session.stats();
  }

  /** Captures for the lobby's preview (what the call goes on with after Join), then shows the state. */
  private preview(): Promise<void> {
    return (this.lobbyView.preview = this.media.capture().then(() => this.refreshState()));
  }

  /** Ends the call in `state` (releasing everything) until something new starts it. */
  private end(state: EndedState, reason?: CallStateReason, code?: number, text?: string) {
    this.release();
    this.ended = state;
    this.reason = reason;
    this.closeCode = code;
    this.detail = text ?? "";
    this.refreshState();
  }

  private release(keepMedia = false) {
    this.session.stop();
    this.media.stop(keepMedia);
    this.lobbyView.close();
    this.settingsOpen = false;
    this.remote.clear();
    this.seats.stop();
    this.guests.clear();
    this.messages.clear();
    this.iceErrors.clear();
    this.iceProblem = "";
    if (this.titleCount) setTitleCount(null);
    for (const v of this.renderRoot.querySelectorAll?.("video") ?? []) v.srcObject = null;
  }

  /** Derives the state from what the element knows, and tells if it changed. */
  private refreshState() {
    const s = this.session;
    const next = callState({
      idle: this.idle,
      lobby: this.lobbyView.active,
      ended: this.ended,
      starting: this.waitingForCapture,
      signaling: s.status,
      everOpened: s.everOpened,
      unreachable: s.unreachable,
      joined: s.selfId !== null,
      peers: s.roster.size,
      links: s.linkStates,
    });
    const reason = this.ended ? this.reason : this.liveReason(next);
    this.requestUpdate();
    if (this.titleCount) setTitleCount(s.selfId !== null && !this.ended ? s.roster.size + 1 : null);
    if (this.state === next && this.reason === reason) return;
    this.state = next;
    this.reason = reason;
    emit<CallStateDetail>(this, "call-state", {
      state: next,
      ...(reason ? { reason } : {}),
      ...(this.ended && this.closeCode !== undefined ? { code: this.closeCode } : {}),
    });
  }

  /** Why a call that goes on is where it is, when the state alone does not say. */
  private liveReason(state: CallState): CallStateReason | undefined {
    if (state === "failed" && this.session.unreachable) return "unreachable";
    if (state === "failed" && this.session.linkStates.includes("failed")) return "no-route";
    if ((state === "reconnecting" || state === "connected") && this.session.status !== "open" && this.session.lastCloseCode === 1001) return "server-restart";
    return this.session.pending;
  }

  private guest(peer: string): string {
    return this.guests.name(peer, this.session.roster.size);
  }

  protected override updated(): void {
    const local = this.renderRoot.querySelector<HTMLVideoElement>("video.local");
    const preview = this.self.outgoing.preview();
    if (local && local.srcObject !== preview) local.srcObject = preview;
    if (this.focusNext) {
      this.renderRoot.querySelector<HTMLElement>(`[part~="${this.focusNext}"]`)?.focus();
      this.focusNext = null;
    }
  }

  override render() {
    const inCall = !this.idle && !this.ended;
    const seated = inCall && this.session.selfId !== null && !this.waitingForCapture;
    const failure = this.self.failure;
    const microphone = this.self.kind("audio");
    const camera = this.self.kind("video");
    const blocked = [...this.remote.blocked].map((peer) => this.guest(peer));
    const lobby = this.lobbyView.active;
    const devicePickers = () => pickers(this.devices, (kind, id) => (kind === "speaker" ? this.setSpeaker(id) : this.media.setDevice(kind, id)));
    return html`
      ${lobby
        ? this.lobbyView.view({
            microphone,
            camera,
            pickers: devicePickers(),
            onMicrophone: () => this.toggleMicrophone(),
            onCamera: () => this.toggleCamera(),
            onJoin: () => {
              this.focusNext = "hang-up";
              void this.join();
            },
          })
        : nothing}
      <div class="videos" part="videos" ?hidden=${!seated}>
        ${seated
          ? localTile({ sharing: this.sharingScreen, microphone, camera, quality: this.stats.quality.get("")?.quality, speaking: this.stats.speaking.has("") })
          : nothing}
        ${seated
          ? repeat(
              this.session.roster,
              (peer) => peer,
              (peer) => {
                const said = this.remote.said.get(peer);
                const video = this.remote.streams.get(peer)?.getVideoTracks().some((t) => t.readyState === "live") ?? false;
                const profile = this.session.profiles.get(peer);
                return remoteTile({
                  peer,
                  name: profile?.name ?? this.guest(peer),
                  verified: profile?.verified ?? false,
                  ref: this.remote.ref(peer),
                  picture: video && said?.camera !== false,
                  microphone: said ? (said.microphone ? "on" : "off") : "unknown",
                  camera: said ? (said.camera ? "on" : "off") : "unknown",
                  blocked: this.remote.blocked.has(peer),
                  onUnblock: () => this.remote.unblock(peer),
                  quality: this.stats.quality.get(peer)?.quality,
                  speaking: this.stats.speaking.has(peer),
                });
              },
            )
          : nothing}
      </div>
      <p class="state ${ERROR_STATES.has(this.state) ? "error" : ""}" part="state" role="status" aria-live="polite">${statusLine({
        state: this.state,
        ended: this.ended !== null,
        reason: this.reason,
        detail: this.detail,
        signalingOpen: this.session.status === "open",
        seatFree: this.seats.free,
        rtc: () => this.session.rtcConfig(),
        relayGathered: this.session.relayGathered,
        peerGatheredNothing: this.session.peerGatheredNothing,
      })}</p>
      ${notices({
        failure,
        capturing: inCall && this.media.starting && !this.waitingForCapture,
        inCall,
        lobby,
        microphone: microphone !== "none",
        camera: camera !== "none",
        ice: this.state === "connected" ? "" : this.iceProblem,
        screen: this.self.screen.failure,
        device: this.media.hardware.notice || null,
        blocked,
        onRetry: () => void this.retryMedia(),
      })}
      ${lobby ? nothing : controls({
        inCall,
        idle: this.idle,
        room: this.room,
        seatFree: this.state === "full" && this.seats.free,
        microphone,
        camera,
        sharing: this.sharingScreen,
        canShare: ScreenShareController.supported,
        settings: settingsButton(this.settingsOpen, () => (this.settingsOpen = !this.settingsOpen)),
        onMicrophone: () => this.toggleMicrophone(),
        onCamera: () => this.toggleCamera(),
        onShare: () => void (this.sharingScreen ? this.stopScreenShare() : this.shareScreen()),
        onHangUp: () => {
          this.focusNext = "hang-up";
          this.hangUp();
        },
        onJoin: () => {
          this.focusNext = "hang-up";
          void this.join();
        },
        chat: this.chatting ? chatToggle(this.messages, this.chat) : nothing,
      })}
      ${this.chatting ? chatPanel(this.messages, this.chat) : nothing}
      ${inCall ? settingsPanel(this.settingsOpen, devicePickers()) : nothing}
    `;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "video-call": VideoCall;
  }
}
