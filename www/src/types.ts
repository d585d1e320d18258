// The shapes the wasm core hands the page. They are generated from the
// Rust types (src/view.rs, src/sim/trace.rs, src/playground/) into
// ./generated/types.ts by `cargo test --test ts_types`, which fails when
// the committed file is out of date; this file only renames and narrows,
// so no field is written down twice.
export type {
  BacklogView, ConsoleReply, DiffRow, Inspection, KeyRow, LinkView, Listing, Load, MessageView, NodeView, PageState,
  Phase, ReplicaView, RunReport, Section, Timeline, View, What,
} from './generated/types';

import type { EventView } from './generated/types';

/**
 * A trace event as the page gets it (`view::EventView`: `sim::trace::Event`
 * with its `Kind` flattened in as `type`, its `message` ends and `stream`).
 */
export type TraceEvent = EventView;

/** One kind of trace event, by its `type`. */
export type EventOf<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;
