// Changes pushed instead of polled, from inside a pool's object: long-poll waiters on the
// event log, Server-Sent Events of the log plus a periodic summary (GET /v2/pools/{id}/stream),
// and the stream shape rbee's queen serves its web UI (GET /v1/heartbeats/stream: a `queen`
// heartbeat every 2.5 s and a `hive_telemetry` per host heartbeat).
//
// Cost: an open stream keeps the pool's object in memory (billed as duration, not requests),
// so every stream closes after STREAM_MAX_MS (EventSource reconnects on its own, resuming
// with Last-Event-ID), a stream whose reader fell behind by STREAM_MAX_BUFFER bytes is
// dropped, and the timer runs only while a stream is open.
import type { PoolEvent } from "../../shared/index.js";

export const STREAM_MAX_MS = 10 * 60_000;
const STREAM_MAX_BUFFER = 1 << 20;
export const QUEEN_BEAT_MS = 2_500;
/** Events a resuming stream is sent at most (the log keeps 1,000). */
const RESUME_LIMIT = 1000;

export type StreamKind = "pool" | "queen";

/** What the stream needs from the pool, read when it is sent. */
export interface LiveSource {
  lastSeq(): number;
  eventsAfter(seq: number, limit: number): PoolEvent[];
  /** The pool stream's periodic `summary` event. */
  summary(): unknown;
  summaryEveryMs(): number;
  /** rbee's `{"type":"queen", ...}`. */
  queenBeat(): unknown;
  /** rbee's `{"type":"hive_telemetry", ...}` for one host. */
  hiveTelemetry(hostId: string): unknown;
}

interface Subscriber {
  kind: StreamKind;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  closeAt: number;
  nextSummaryAt: number;
}

const encoder = new TextEncoder();

function frame(event: string, data: unknown, id?: number): Uint8Array {
  return encoder.encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class Live {
  private readonly waiters = new Set<() => void>();
  private readonly subscribers = new Set<Subscriber>();
  private sentSeq: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private notifying = false;

  constructor(private readonly source: LiveSource) {
    this.sentSeq = source.lastSeq();
  }

  get streams(): number {
    return this.subscribers.size;
  }

  /** Resolves when an event after `afterSeq` exists, or after `waitMs`. */
  async wait(afterSeq: number, waitMs: number): Promise<void> {
    if (waitMs <= 0 || this.source.lastSeq() > afterSeq) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        this.waiters.delete(done);
        resolve();
      };
      const timeout = setTimeout(done, waitMs);
      this.waiters.add(done);
    });
  }

  /**
   * The store wrote an event (RegistryStore.onEvent). Handled once the code that wrote it has
   * finished, so a batch of events (one heartbeat, one sweep) is one push.
   */
  eventWritten(): void {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      this.changed();
    });
  }

  /** Wakes waiters and pushes events not yet sent to pool streams. */
  private changed(): void {
    const last = this.source.lastSeq();
    if (last <= this.sentSeq) return;
    for (const done of [...this.waiters]) done();
    if (this.subscribers.size > 0) {
      const events = this.source.eventsAfter(this.sentSeq, RESUME_LIMIT);
      for (const s of this.subscribers) if (s.kind === "pool") for (const e of events) this.send(s, frame("pool_event", e, e.seq));
    }
    this.sentSeq = last;
  }

  /** Call after a host's heartbeat was applied. */
  hostReported(hostId: string): void {
    let telemetry: Uint8Array | null = null;
    for (const s of this.subscribers) {
      if (s.kind !== "queen") continue;
      telemetry ??= frame("heartbeat", this.source.hiveTelemetry(hostId));
      this.send(s, telemetry);
    }
  }

  /** A new stream; `lastEventId` resumes the pool stream after that event. */
  open(kind: StreamKind, lastEventId: number | null, now: number): ReadableStream<Uint8Array> {
    const pipe = new IdentityTransformStream();
    const s: Subscriber = { kind, writer: pipe.writable.getWriter(), closeAt: now + STREAM_MAX_MS, nextSummaryAt: now };
    this.subscribers.add(s);
    // Reconnect soon after we close it (STREAM_MAX_MS).
    this.send(s, encoder.encode("retry: 1000\n\n"));
    if (kind === "pool" && lastEventId !== null) for (const e of this.source.eventsAfter(lastEventId, RESUME_LIMIT)) this.send(s, frame("pool_event", e, e.seq));
    this.beat(s, now, this.beatFrames());
    this.timer ??= setInterval(() => this.tick(), QUEEN_BEAT_MS);
    return pipe.readable;
  }

  /** A tick's frames, each built once whatever the number of streams, and only if one needs it. */
  private beatFrames() {
    let queen: Uint8Array | undefined;
    let summary: Uint8Array | undefined;
    return {
      queen: () => (queen ??= frame("heartbeat", this.source.queenBeat())),
      summary: () => (summary ??= frame("summary", this.source.summary())),
    };
  }

  private beat(s: Subscriber, now: number, frames: ReturnType<Live["beatFrames"]>): void {
    if (s.kind === "queen") this.send(s, frames.queen());
    else if (now >= s.nextSummaryAt) {
      this.send(s, frames.summary());
      s.nextSummaryAt = now + this.source.summaryEveryMs();
    }
  }

  private tick(): void {
    const now = Date.now();
    const frames = this.beatFrames();
    for (const s of this.subscribers) {
      if (now >= s.closeAt) this.drop(s);
      else this.beat(s, now, frames);
    }
  }

  private send(s: Subscriber, bytes: Uint8Array): void {
    if ((s.writer.desiredSize ?? 0) < -STREAM_MAX_BUFFER) return this.drop(s);
    s.writer.write(bytes).catch(() => this.drop(s));
  }

  private drop(s: Subscriber): void {
    if (!this.subscribers.delete(s)) return;
    s.writer.close().catch(() => {});
    if (this.subscribers.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Closes every stream and wakes every waiter (the pool was deleted). */
  closeAll(): void {
    for (const s of [...this.subscribers]) this.drop(s);
    for (const done of [...this.waiters]) done();
  }
}
