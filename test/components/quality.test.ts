/** Connection quality and voice activity as pure functions of statistics (no browser needed). */
import { describe, expect, test } from "bun:test";
import { type LinkCounters, pictureStuck, readCounters, sample, UP_REPORT_FRESH_MS } from "../../src/components/video-call/quality/link-stats.ts";
import { FAIR, FPS_FAIR, LOST_AFTER_MS, POOR, quality, type QualitySample, steady, worse } from "../../src/components/video-call/quality/quality.ts";
import { activeSpeaker, HOLD_MS, SPEAKING_LEVEL, VoiceActivity } from "../../src/components/video-call/quality/voice-activity.ts";

const clean: QualitySample = { connected: true, rtt: 20, packetLoss: 0, jitter: 2, fps: 20, silentMs: 0 };
const q = (s: Partial<QualitySample>) => quality({ ...clean, ...s });

describe("quality", () => {
  test("a clean link is good; no round trip measured yet counts as none", () => {
    expect(q({})).toBe("good");
    expect(q({ rtt: null, fps: null })).toBe("good");
  });

  test("each threshold moves it down a level, exactly at its edge", () => {
    expect(q({ packetLoss: FAIR.loss - 0.001 })).toBe("good");
    expect(q({ packetLoss: FAIR.loss })).toBe("fair");
    expect(q({ packetLoss: POOR.loss - 0.001 })).toBe("fair");
    expect(q({ packetLoss: POOR.loss })).toBe("poor");
    expect(q({ packetLoss: 0.3 })).toBe("poor");
    expect(q({ rtt: FAIR.rtt - 1 })).toBe("good");
    expect(q({ rtt: FAIR.rtt })).toBe("fair");
    expect(q({ rtt: POOR.rtt })).toBe("poor");
    expect(q({ jitter: FAIR.jitter })).toBe("fair");
    expect(q({ jitter: POOR.jitter })).toBe("poor");
  });

  test("a slow picture is fair at worst; no picture expected, no frame rate asked", () => {
    expect(q({ fps: FPS_FAIR })).toBe("good");
    expect(q({ fps: FPS_FAIR - 1 })).toBe("fair");
    expect(q({ fps: 0 })).toBe("fair");
    expect(q({ fps: null })).toBe("good");
  });

  test("lost: not connected, or nothing received for 5 s", () => {
    expect(q({ connected: false })).toBe("lost");
    expect(q({ silentMs: LOST_AFTER_MS - 1 })).toBe("good");
    expect(q({ silentMs: LOST_AFTER_MS })).toBe("lost");
  });

  test("a level is shown once two readings in a row agree; lost at once; nothing before", () => {
    expect(steady("good", undefined, undefined)).toBe(undefined);
    expect(steady("good", "good", undefined)).toBe("good");
    expect(steady("fair", "good", "good")).toBe("good"); // one odd reading
    expect(steady("good", "fair", "good")).toBe("good");
    expect(steady("poor", "poor", "good")).toBe("poor");
    expect(steady("good", "poor", "poor")).toBe("poor");
    expect(steady("good", "good", "poor")).toBe("good");
    expect(steady("lost", "good", "good")).toBe("lost");
    expect(steady("lost", undefined, undefined)).toBe("lost");
  });

  test("worse() takes the worse level", () => {
    expect(worse("good", "poor")).toBe("poor");
    expect(worse("lost", "fair")).toBe("lost");
    expect(worse("fair", "fair")).toBe("fair");
  });
});

/** A stats report as the browsers give it: a map of entries by id. */
const report = (...entries: Record<string, unknown>[]) => new Map(entries.map((e, i) => [String(e.id ?? i), e])) as unknown as RTCStatsReport;

describe("reading statistics", () => {
  test("inbound audio and video summed; jitter of the sound only; the highest round trip of the RTCP reports", () => {
    const c = readCounters(
      report(
        { type: "inbound-rtp", kind: "audio", packetsReceived: 400, packetsLost: 10, jitter: 0.004 },
        { type: "inbound-rtp", kind: "video", packetsReceived: 600, packetsLost: 5, framesDecoded: 160, jitter: 0.012 },
        { type: "outbound-rtp", kind: "audio", packetsSent: 400 },
        { type: "outbound-rtp", kind: "video", packetsSent: 500, framesSent: 150 },
        { type: "remote-inbound-rtp", kind: "audio", packetsLost: 3, fractionLost: 0.01, jitter: 0.002, timestamp: 9000 },
        { type: "remote-inbound-rtp", kind: "video", packetsLost: 7, fractionLost: 0.04, jitter: 0.006, roundTripTime: 0.05, timestamp: 9500 },
        { type: "outbound-rtp", kind: "audio", packetsSent: 0, timestamp: 10_000 },
        { type: "candidate-pair", nominated: true, state: "succeeded", currentRoundTripTime: 0.5 },
      ),
      1000,
    );
    expect(c).toEqual({ at: 1000, received: 1000, lost: 15, decoded: 160, videoReceived: 600, sent: 150, jitter: 4, packetsSent: 900, videoPacketsSent: 500, upLost: 10, upVideoLost: 7, upJitter: 2, upSoundLost: 0.01, rtt: 50 });
  });

  test("the share of the sound lost, from the peer's latest report of it while fresh", () => {
    const up = (...entries: Record<string, unknown>[]) => readCounters(report({ type: "outbound-rtp", kind: "audio", packetsSent: 1, timestamp: 30_000 }, ...entries), 0).upSoundLost;
    // A report of 15 s ago (one between lost, say) still counts; the picture's fraction does not.
    expect(up({ type: "remote-inbound-rtp", kind: "audio", fractionLost: 0.3, timestamp: 15_000 }, { type: "remote-inbound-rtp", kind: "video", fractionLost: 0.8, timestamp: 29_900 })).toBe(0.3);
    // Sound no longer reported (the microphone off) does not speak for long.
    expect(up({ type: "remote-inbound-rtp", kind: "audio", fractionLost: 0.3, timestamp: 30_000 - UP_REPORT_FRESH_MS - 1 })).toBe(null);
    // A browser that gives no fraction: none.
    expect(up({ type: "remote-inbound-rtp", kind: "audio", packetsLost: 4, timestamp: 29_000 })).toBe(null);
  });

  test("no round trip before a report measured one; duplicates do not make loss negative", () => {
    expect(readCounters(report({ type: "remote-inbound-rtp", fractionLost: 0 }), 0).rtt).toBe(null);
    expect(readCounters(report(), 0)).toEqual({ at: 0, received: 0, lost: 0, decoded: 0, videoReceived: 0, sent: 0, jitter: 0, packetsSent: 0, videoPacketsSent: 0, upLost: 0, upVideoLost: 0, upJitter: 0, upSoundLost: null, rtt: null });
    expect(readCounters(report({ type: "inbound-rtp", packetsReceived: 5, packetsLost: -2 }), 0).lost).toBe(0);
  });

  const at = (ms: number, c: Partial<LinkCounters>): LinkCounters => ({ at: ms, received: 0, lost: 0, decoded: 0, videoReceived: 0, sent: 0, jitter: 0, packetsSent: 0, videoPacketsSent: 0, upLost: 0, upVideoLost: 0, upJitter: 0, upSoundLost: null, rtt: 10, ...c });

  test("a sample of what arrives: loss over the window as a fraction, frames a second once frames had come", () => {
    const from = at(0, { received: 1000, lost: 10, decoded: 100 });
    const to = at(2000, { received: 1700, lost: 310, decoded: 120, jitter: 8 });
    const s = sample(from, to, true, true, 0, false);
    expect(s).toEqual({ connected: true, rtt: 10, packetLoss: 0.3, jitter: 8, fps: 10, silentMs: 0 });
    expect(quality(s)).toBe("poor");
    expect(sample(from, to, true, false, 0, false).fps).toBe(null);
    expect(sample(at(0, {}), at(1000, { decoded: 5 }), true, true, 0, false).fps).toBe(null);
    // Nothing came: no loss to speak of (lost only after LOST_AFTER_MS of it).
    expect(sample(at(0, {}), at(1000, {}), true, false, 1000, false).packetLoss).toBe(0);
  });

  test("a sample of what is sent: loss and jitter as the peer reports them, frames sent", () => {
    const from = at(0, { sent: 40, lost: 1, packetsSent: 1000, upLost: 20 });
    const s = sample(from, at(1000, { sent: 60, lost: 500, packetsSent: 1400, upLost: 120, upJitter: 3 }), true, true, 9999, true);
    expect(s).toEqual({ connected: true, rtt: 10, packetLoss: 0.25, jitter: 3, fps: 20, silentMs: 0 });
    // No new report: no loss added (not the last report's loss kept forever).
    expect(sample(from, at(1000, { packetsSent: 1400, upLost: 20 }), true, true, 0, true).packetLoss).toBe(0);
    // Where the browser gives the sound's share lost: the worse of it and the picture's own
    // loss over the window (not the sound's losses spread over the picture's packets).
    const from2 = at(0, { packetsSent: 1000, videoPacketsSent: 600, upLost: 20, upVideoLost: 10 });
    const soundLost = at(1000, { packetsSent: 1400, videoPacketsSent: 900, upLost: 24, upVideoLost: 13, upSoundLost: 0.3 });
    expect(sample(from2, soundLost, true, true, 0, true).packetLoss).toBe(0.3);
    expect(quality(sample(from2, soundLost, true, true, 0, true))).toBe("poor");
    const pictureLost = at(1000, { packetsSent: 1400, videoPacketsSent: 900, upLost: 80, upVideoLost: 70, upSoundLost: 0 });
    expect(sample(from2, pictureLost, true, true, 0, true).packetLoss).toBe(0.2);
    // What arrives never takes the sound's report.
    expect(sample(at(0, {}), at(1000, { received: 100, upSoundLost: 0.3 }), true, true, 0, false).packetLoss).toBe(0);
  });

  test("a picture is stuck when its packets keep coming and none becomes a frame, after frames had come", () => {
    const before = at(0, { decoded: 70, videoReceived: 220, received: 400 });
    // After a gap: 40 packets of the picture, still the same 70 frames.
    expect(pictureStuck(before, at(1000, { decoded: 70, videoReceived: 260 }))).toBe(true);
    // Frames coming: not stuck, however few.
    expect(pictureStuck(before, at(1000, { decoded: 71, videoReceived: 260 }))).toBe(false);
    // Nothing coming (the path is still down, or the camera is off): not stuck, only quiet.
    expect(pictureStuck(before, at(1000, { decoded: 70, videoReceived: 220 }))).toBe(false);
    // A few stray packets are not enough; ten are.
    expect(pictureStuck(before, at(1000, { decoded: 70, videoReceived: 229 }))).toBe(false);
    expect(pictureStuck(before, at(1000, { decoded: 70, videoReceived: 230 }))).toBe(true);
    // Sound alone does not count, and neither does the start of a call, before any frame.
    expect(pictureStuck(before, at(1000, { decoded: 70, videoReceived: 220, received: 900 }))).toBe(false);
    expect(pictureStuck(at(0, { videoReceived: 5 }), at(1000, { videoReceived: 60 }))).toBe(false);
  });
});

describe("voice activity", () => {
  test("a voice above the level is speaking, and stays so for the hold time", () => {
    const v = new VoiceActivity();
    let energy = 0;
    let duration = 0;
    // Each look adds 0.2 s of sound at the given RMS level.
    const look = (level: number, now: number) => {
      energy += level * level * 0.2;
      duration += 0.2;
      return v.hear(energy, duration, now);
    };
    expect(look(0.5, 0)).toBe(false); // the first look only sets the totals
    expect(look(0.5, 200)).toBe(true);
    expect(v.level).toBeCloseTo(0.5, 5);
    expect(look(0, 400)).toBe(true);
    expect(look(0, 200 + HOLD_MS - 1)).toBe(true);
    expect(look(0, 200 + HOLD_MS)).toBe(false);
    expect(look(SPEAKING_LEVEL * 0.9, 2000)).toBe(false);
    expect(look(SPEAKING_LEVEL * 1.1, 2200)).toBe(true);
  });

  test("totals that start again (a new connection) are taken as a new start, not as sound", () => {
    const v = new VoiceActivity();
    v.hear(10, 100, 0);
    expect(v.hear(0.00001, 0.2, 200)).toBe(false);
    expect(v.hear(0.00002, 0.4, 400)).toBe(false);
    expect(v.level).toBeLessThan(SPEAKING_LEVEL);
  });

  test("the active speaker keeps the floor while speaking; then the loudest; null when nobody", () => {
    expect(activeSpeaker(null, new Map())).toBe(null);
    expect(activeSpeaker(null, new Map([["a", 0.1], ["b", 0.3]]))).toBe("b");
    expect(activeSpeaker("a", new Map([["a", 0.1], ["b", 0.3]]))).toBe("a");
    expect(activeSpeaker("a", new Map([["b", 0.3], ["c", 0.2]]))).toBe("b");
    expect(activeSpeaker("a", new Map())).toBe(null);
  });
});
