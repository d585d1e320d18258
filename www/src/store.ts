// The store: the latest snapshot of the world and the page's own state
// (selection, open tab, play/pause, speed). It is time-travel aware: after a
// step back the core's trace is shorter and its clock earlier, so the event
// rows and chart samples past that point are dropped here too.
//
// Every UI action is the same three steps: call the model, refresh the
// snapshot, render (the core keeps its own checkpoints for step back).
import type { Model } from './model';
import type { NodeView, PageState, TraceEvent, View } from './types';

/** Event rows kept for the sequence diagram (the event log asks the core itself). */
const MAX_EVENTS = 400;
/** Events fetched per refresh at most (a heavy load makes thousands). */
const FETCH_EVENTS = 150;
/** While playing, events are fetched at most this often (wall ms). */
const FETCH_EVERY_MS = 100;
/** Chart samples kept. */
const MAX_SAMPLES = 2000;

/** One chart sample: per replica, its offset and how far it trails its master. */
export interface Sample {
  t: number;
  offset: Record<string, number>;
  lag: Record<string, number>;
}

export type Tab = 'events' | 'sequence' | 'charts' | 'keys' | 'rdb' | 'scenario';

export interface Ui {
  /** Whether the event rows include the replication stream's routine events. */
  stream: boolean;
  selected: string | null;
  link: [string, string] | null;
  tab: Tab;
  playing: boolean;
  speed: number;
  help: boolean;
}

export class Store {
  model: Model;
  view: View;
  page: PageState;
  /** Bumped on every refresh; panels compare it to skip work. */
  version = 0;
  /** Bumped when a new world replaces the old (script run, share link). */
  epoch = 0;
  /** Fraction of a virtual millisecond not yet advanced (smooth motion). */
  carry = 0;
  events: TraceEvent[] = [];
  samples: Sample[] = [];
  ui: Ui = { stream: false, selected: null, link: null, tab: 'events', playing: false, speed: 1, help: false };
  private fetchedAt = 0;
  private listeners: (() => void)[] = [];
  private noticeFn: (text: string, error: boolean) => void = () => {};

  constructor(model: Model) {
    this.model = model;
    this.view = model.view();
    this.page = model.page();
    this.refresh();
  }

  /** Calls `fn` after every refresh or UI change. */
  subscribe(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Where user-facing messages go. */
  onNotice(fn: (text: string, error: boolean) => void): void {
    this.noticeFn = fn;
  }

  notice(text: string, error = false): void {
    this.noticeFn(text, error);
  }

  /** Runs one action on the model, then refreshes; a thrown error becomes a notice. */
  act<T>(fn: (m: Model) => T): T | undefined {
    try {
      return fn(this.model);
    } catch (e) {
      this.notice(e instanceof Error ? e.message : String(e), true);
      return undefined;
    } finally {
      this.refresh();
    }
  }

  /** Reads something from the model without changing the world (no refresh). */
  read<T>(fn: (m: Model) => T): T | undefined {
    try {
      return fn(this.model);
    } catch (e) {
      this.notice(e instanceof Error ? e.message : String(e), true);
      return undefined;
    }
  }

  /** Changes page state (selection, tab, ...) and re-renders. */
  setUi(patch: Partial<Ui>): void {
    if (patch.stream !== undefined && patch.stream !== this.ui.stream) this.events = [];
    Object.assign(this.ui, patch);
    if (patch.tab !== undefined || patch.stream !== undefined) this.fetchEvents(true);
    this.emit();
  }

  /** A new world replaced the old: forget rows and samples. */
  reset(model: Model): void {
    this.model = model;
    this.epoch++;
    this.events = [];
    this.samples = [];
    this.carry = 0;
    this.view = model.view();
    this.ui.link = null;
    this.refresh();
  }

  /** Reads the world again and tells the panels. */
  refresh(): void {
    const before = this.view;
    this.view = this.model.view();
    this.page = this.model.page();
    this.version++;
    if (this.view.next_seq < before.next_seq || this.view.time_ms < before.time_ms) this.rewind();
    this.fetchEvents(!this.ui.playing);
    this.sample();
    const names = new Set(this.view.nodes.map((n) => n.name));
    if (this.ui.selected === null || !names.has(this.ui.selected)) {
      this.ui.selected = defaultSelection(this.view.nodes);
    }
    this.emit();
  }

  node(name: string | null): NodeView | undefined {
    return this.view.nodes.find((n) => n.name === name);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  private rewind(): void {
    const seq = this.view.next_seq;
    const t = this.view.time_ms / 1000;
    this.events = this.events.filter((e) => e.seq < seq);
    this.samples = this.samples.filter((s) => s.t <= t);
    this.carry = 0;
  }

  /**
   * Fetches the newest events, for the sequence diagram (only while it
   * shows; `now` skips the throttle used while playing).
   */
  private fetchEvents(now: boolean): void {
    if (this.ui.tab !== 'sequence') return;
    const t = performance.now();
    if (!now && t - this.fetchedAt < FETCH_EVERY_MS) return;
    this.fetchedAt = t;
    const since = this.events.length > 0 ? this.events[this.events.length - 1].seq + 1 : 0;
    if (since >= this.view.next_seq) return;
    const fresh = this.model.events(since, FETCH_EVENTS, this.ui.stream);
    this.events.push(...fresh);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  private sample(): void {
    const t = this.view.time_ms / 1000;
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.t >= t) return;
    this.samples.push(sampleOf(this.view));
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }
}

/** The first replica, else the first node. */
function defaultSelection(nodes: NodeView[]): string | null {
  return (nodes.find((n) => n.role === 'slave') ?? nodes[0])?.name ?? null;
}

/** Each replica's offset and its lag behind its master, in bytes. */
export function sampleOf(view: View): Sample {
  const byName = new Map(view.nodes.map((n) => [n.name, n]));
  const s: Sample = { t: view.time_ms / 1000, offset: {}, lag: {} };
  for (const n of view.nodes) {
    if (n.role !== 'slave' || n.slave_repl_offset === null) continue;
    s.offset[n.name] = n.slave_repl_offset;
    const m = n.master === null ? undefined : byName.get(n.master);
    if (m !== undefined) s.lag[n.name] = Math.max(0, m.master_repl_offset - n.slave_repl_offset);
  }
  return s;
}
