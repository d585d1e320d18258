// The model: the one wasm `Playground` handle, typed. Every method is a
// small call into the Rust core; nothing here knows about replication.
// Calls a user can get wrong throw an Error whose message is for the user.
import { Playground } from '../pkg/replscope.js';
import type {
  ConsoleReply, DiffRow, EventOf, Inspection, KeyRow, Listing, PageState, RunReport, TraceEvent, View,
} from './types';

/** Where a seek landed (`playground::seek::Seek`). */
export interface SeekResult {
  time_ms: number;
  undid_actions: boolean;
}

export class Model {
  private pg: Playground;

  constructor(pg: Playground) {
    this.pg = pg;
  }

  /** The default world at t = 0 (a replica about to connect for its first full sync). */
  static defaultWorld(seed: number): Model {
    return new Model(Playground.default_world(BigInt(seed)));
  }

  /** The default world's script. */
  static defaultScript(): string {
    return Playground.default_script();
  }

  /** Reads a share-link fragment; throws with a clear message when damaged. */
  static parseShare(fragment: string): { seed: number; script: string } {
    return Playground.parse_share(fragment) as { seed: number; script: string };
  }

  /** A world built by running `script` on a fresh world seeded `seed`. */
  static fromScript(seed: number, script: string): { model: Model; report: RunReport } {
    const model = new Model(new Playground(BigInt(seed)));
    try {
      return { model, report: model.runScript(script) };
    } catch (e) {
      model.free();
      throw e;
    }
  }

  /** The wasm handle itself, for the lesson calls (www/src/lesson/api.ts). */
  get handle(): Playground { return this.pg; }

  /** Releases the world's wasm memory; the model is unusable afterwards. */
  free(): void { this.pg.free(); }

  view(): View { return this.pg.view() as View; }
  page(): PageState { return this.pg.page() as PageState; }
  seed(): number { return Number(this.pg.seed()); }

  console(node: string, line: string): ConsoleReply { return this.pg.console(node, line) as ConsoleReply; }
  addNode(name: string): void { this.pg.add_node(name); }
  removeNode(name: string): void { this.pg.remove_node(name); }
  setLinkUp(a: string, b: string, up: boolean): void { this.pg.set_link_up(a, b, up); }
  setLatency(a: string, b: string, ms: number): void { this.pg.set_latency_ms(a, b, ms); }
  setBandwidth(a: string, b: string, bytesPerS: number | null): void {
    this.pg.set_bandwidth(a, b, bytesPerS ?? undefined);
  }
  resync(node: string): void { this.pg.resync(node); }
  setLoad(node: string, perS: number): void { this.pg.set_load(node, perS); }

  advance(ms: number): void { this.pg.advance(ms); }
  step(): boolean { return this.pg.step(); }
  nextPhase(): boolean { return this.pg.next_phase(); }
  stepBack(): boolean { return this.pg.step_back(); }
  /** Moves the world to virtual time `ms` (step back, then play; see src/playground/seek.rs). */
  seek(ms: number): SeekResult { return this.pg.seek(ms) as SeekResult; }

  /** The newest `max` events since `since`; `stream` includes the routine replication-stream events. */
  events(since: number, max: number, stream: boolean): TraceEvent[] {
    return this.pg.events(since, max, stream) as TraceEvent[];
  }
  /** Sequence numbers of the held events with `seq >= since` passing the log's filter (filtered in the core). */
  traceSeqs(since: number, node: string, text: string, stream: boolean): Float64Array {
    return this.pg.trace_seqs(since, node, text, stream);
  }
  /** The events with these sequence numbers (those the trace still holds). */
  traceEventsAt(seqs: number[]): TraceEvent[] {
    return this.pg.trace_events_at(Float64Array.from(seqs)) as TraceEvent[];
  }
  /** The newest `max` console commands run on `node`, as trace events. */
  consoleLines(node: string, max: number): EventOf<'command'>[] {
    return this.pg.console_lines(node, max) as EventOf<'command'>[];
  }
  /** Every event the trace holds, one JSON object a line. */
  traceJsonl(): string { return this.pg.trace_jsonl(); }
  keys(node: string, pattern: string, limit: number): Listing<KeyRow> {
    return this.pg.keys(node, pattern, limit) as Listing<KeyRow>;
  }
  diff(master: string, replica: string, limit: number): Listing<DiffRow> {
    return this.pg.diff(master, replica, limit) as Listing<DiffRow>;
  }

  /** A node's RDB file: on the simulator's clock, or with its times moved to `presentUnixMs`. */
  rdb(node: string, presentUnixMs: number | undefined): Uint8Array {
    return this.pg.rdb(node, presentUnixMs);
  }
  /** An RDB file item by item, each with its byte range. */
  static inspectRdb(bytes: Uint8Array): Inspection {
    return Playground.inspect_rdb(bytes) as Inspection;
  }

  runScript(text: string): RunReport { return this.pg.run_script(text) as RunReport; }
  exportScript(): string { return this.pg.export_script(); }
  shareFragment(): string { return this.pg.share_fragment(); }
}
