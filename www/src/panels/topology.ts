// The topology: node cards, master → replica arrows, and the bytes in
// flight moving along them. Cards and arrows are redrawn only when what
// they show changed; the moving messages are redrawn every frame from the
// snapshot (interpolated with the store's sub-millisecond carry so slow
// speeds still glide).
import { el, replace, svg } from '../dom';
import { bandwidth, bytes, num, PHASE_LABEL, rdbPercent, shortId } from '../format';
import { treeLayout, type Layout } from '../layout';
import type { Store } from '../store';
import type { LinkView, MessageView, NodeView } from '../types';

const SLOT_W = 250;
const LEVEL_H = 270;
const CARD_W = 212;
const CARD_H = 166;
/** Narrowest a card slot may be drawn on screen (px) before the cards wrap onto more rows. */
const MIN_SLOT_PX = 190;
/** Characters a card line holds (mono, 14.5 px in a 212 px card). */
const LINE_CHARS = 21;
const PAD = 24;
/** Messages drawn per link direction at most (a heavy load has hundreds). */
const MAX_DRAWN = 40;
/** While playing, cards whose offsets alone moved are redrawn at most this
 *  often (wall ms): nobody reads thirty-two offsets sixty times a second,
 *  and every text change costs a relayout. */
const OFFSETS_EVERY_MS = 100;

interface Point { x: number; y: number }

export class Topology {
  readonly root: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private readonly edges: SVGGElement;
  private readonly cards: SVGGElement;
  private readonly flights: SVGGElement;
  private layout: Layout = { placed: new Map(), width: 1, depth: 1 };
  private structureKey = '';
  private cardKeys = new Map<string, string>();
  private cardEls = new Map<string, SVGGElement>();
  private offsetEls = new Map<string, SVGTextElement>();
  private offsetsAt = 0;
  /** Horizontal offset that centres a narrow tree. */
  private shift = 0;

  constructor(private readonly store: Store) {
    this.canvas = svg('svg', { class: 'topology-svg', attrs: { role: 'img', 'aria-label': 'replication topology' } });
    const defs = svg('defs', {},
      svg('marker', { attrs: { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' } },
        svg('path', { attrs: { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' } })));
    this.edges = svg('g', { class: 'edges' });
    this.flights = svg('g', { class: 'flights' });
    this.cards = svg('g', { class: 'cards' });
    this.canvas.append(defs, this.edges, this.cards, this.flights);
    this.root = el('div', { class: 'topology', attrs: { id: 'topology' } }, this.canvas);
  }

  render(): void {
    const view = this.store.view;
    const related = new Set(view.nodes.filter((n) => n.master !== null).map((n) => pairKey(n.master ?? '', n.name)));
    const maxCols = Math.max(2, Math.floor((this.root.clientWidth || 1200) / MIN_SLOT_PX));
    const key = JSON.stringify([view.nodes.map((n) => [n.name, n.master]), view.links.map((l) => linkKey(l, related)), this.store.ui.link, maxCols]);
    if (key !== this.structureKey) {
      this.structureKey = key;
      this.layout = treeLayout(view.nodes, maxCols);
      // Room on the left for the RDB bar beside a single column of cards.
      const slots = Math.max(this.layout.width, 2);
      const w = slots * SLOT_W + PAD * 2;
      const h = (this.layout.depth - 1) * LEVEL_H + CARD_H + PAD * 2;
      this.shift = ((slots - this.layout.width) * SLOT_W) / 2;
      this.canvas.setAttribute('viewBox', `0 0 ${w} ${h}`);
      // A small world is not blown up to fill the panel.
      this.canvas.style.maxWidth = `${Math.round(w * 1.25)}px`;
      // Many rows of cards: the picture grows down instead of shrinking.
      this.canvas.style.maxHeight = this.layout.depth > 2 ? 'none' : '';
      this.drawEdges(view.nodes, view.links);
    }
    this.drawCards(view.nodes);
    this.drawFlights(view.links);
  }

  /** Centre of a node's card. */
  private center(name: string): Point | undefined {
    const p = this.layout.placed.get(name);
    if (p === undefined) return undefined;
    return { x: PAD + this.shift + p.x * SLOT_W + SLOT_W / 2, y: PAD + p.depth * LEVEL_H + CARD_H / 2 };
  }

  /** The two ends of the line between two cards (leaving `a`, reaching `b`). */
  private ends(a: string, b: string): [Point, Point] | undefined {
    const pa = this.center(a);
    const pb = this.center(b);
    if (pa === undefined || pb === undefined) return undefined;
    const dy = pb.y - pa.y;
    const ha = CARD_H / 2;
    if (Math.abs(dy) < 1) {
      const sx = Math.sign(pb.x - pa.x) * (CARD_W / 2);
      return [{ x: pa.x + sx, y: pa.y }, { x: pb.x - sx, y: pb.y }];
    }
    const s = Math.sign(dy);
    return [{ x: pa.x, y: pa.y + s * ha }, { x: pb.x, y: pb.y - s * (ha + 4) }];
  }

  private drawEdges(nodes: NodeView[], links: LinkView[]): void {
    const drawn = new Set<string>();
    const out: SVGElement[] = [];
    for (const n of nodes) {
      if (n.master === null) continue;
      const ends = this.ends(n.master, n.name);
      if (ends === undefined) continue;
      drawn.add(pairKey(n.master, n.name));
      out.push(this.edge(n.master, n.name, ends, findLink(links, n.master, n.name), true));
    }
    for (const l of links) {
      if (drawn.has(pairKey(l.a, l.b)) || (l.messages.length === 0 && l.up_ab && l.up_ba)) continue;
      const ends = this.ends(l.a, l.b);
      if (ends !== undefined) out.push(this.edge(l.a, l.b, ends, l, false));
    }
    replace(this.edges, ...out);
  }

  private edge(a: string, b: string, [p, q]: [Point, Point], link: LinkView | undefined, arrow: boolean): SVGGElement {
    const up = link === undefined || (link.up_ab && link.up_ba);
    const oneWay = link !== undefined && link.up_ab !== link.up_ba;
    const selected = this.store.ui.link !== null && pairKey(...this.store.ui.link) === pairKey(a, b);
    const cls = `edge${up ? '' : oneWay ? ' edge-oneway' : ' edge-down'}${selected ? ' edge-selected' : ''}`;
    const label = link === undefined ? 'no traffic yet'
      : `${up ? '' : oneWay ? 'one way cut · ' : 'CUT · '}${link.latency_ms} ms · ${bandwidth(link.bandwidth_bytes_per_s)}`;
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    // The label sits on the outer side of a slanted edge, so siblings' labels do not collide.
    const left = q.x < p.x - 1;
    const open = (): void => this.store.setUi({ link: [a, b] });
    const g = svg('g', {
      class: cls,
      attrs: { 'data-link': `${a}-${b}`, tabindex: 0, role: 'button', 'aria-label': `link ${a} to ${b}: ${label}` },
      on: { click: open, keydown: (e) => { if ((e as KeyboardEvent).key === 'Enter') open(); } },
    },
    svg('title', { text: `link ${a} ↔ ${b}: ${label} (click to change)` }),
    svg('line', { class: 'edge-hit', attrs: { x1: p.x, y1: p.y, x2: q.x, y2: q.y } }),
    svg('line', { class: 'edge-line', attrs: { x1: p.x, y1: p.y, x2: q.x, y2: q.y, ...(arrow ? { 'marker-end': 'url(#arrow)' } : {}) } }),
    svg('text', { class: 'edge-label', text: label, attrs: { x: mid.x + (left ? -12 : 12), y: mid.y - 4, 'text-anchor': left ? 'end' : 'start' } }));
    if (!up) g.append(svg('text', { class: 'edge-cut', text: '✂', attrs: { x: mid.x - 9, y: mid.y + 8 } }));
    return g;
  }

  private drawCards(nodes: NodeView[]): void {
    const loads = new Map(this.store.page.loads.map((l) => [l.node, l.per_s]));
    const seen = new Set<string>();
    const now = performance.now();
    const offsetsDue = !this.store.ui.playing || now - this.offsetsAt >= OFFSETS_EVERY_MS;
    if (offsetsDue) this.offsetsAt = now;
    for (const n of nodes) {
      seen.add(n.name);
      const c = this.center(n.name);
      if (c === undefined) continue;
      const selected = this.store.ui.selected === n.name;
      const key = JSON.stringify([c, n.role, n.replid, n.link_status,
        n.repl_state, n.keys, n.sync_phase, n.replicas.length, n.master, loads.get(n.name), selected]);
      const offset = `offset ${num(n.role === 'slave' ? n.slave_repl_offset ?? 0 : n.master_repl_offset)}`;
      if (this.cardKeys.get(n.name) === key) {
        // Under a write load only the offset moves: change just that text.
        const text = this.offsetEls.get(n.name);
        if (offsetsDue && text !== undefined && text.textContent !== offset) text.textContent = offset;
        continue;
      }
      this.cardKeys.set(n.name, key);
      // The group stays (it holds the listeners, and a click must not land
      // on an element replaced mid-press); only its contents are redrawn.
      let g = this.cardEls.get(n.name);
      if (g === undefined) {
        g = this.cardGroup(n.name);
        this.cards.append(g);
        this.cardEls.set(n.name, g);
      }
      this.offsetEls.set(n.name, this.fillCard(g, n, c, loads.get(n.name) ?? 0, selected, offset));
    }
    for (const [name, g] of this.cardEls) {
      if (seen.has(name)) continue;
      g.remove();
      this.cardEls.delete(name);
      this.cardKeys.delete(name);
      this.offsetEls.delete(name);
    }
  }

  private cardGroup(name: string): SVGGElement {
    const select = (): void => this.store.setUi({ selected: name });
    return svg('g', {
      attrs: { 'data-node': name, tabindex: 0, role: 'button', 'aria-label': `node ${name}` },
      on: { click: select, keydown: (e) => { if ((e as KeyboardEvent).key === 'Enter') select(); } },
    });
  }

  /** Draws a card's contents; returns its offset text, to update alone later. */
  private fillCard(g: SVGGElement, n: NodeView, c: Point, load: number, selected: boolean, offset: string): SVGTextElement {
    const x = c.x - CARD_W / 2;
    const y = c.y - CARD_H / 2;
    const replica = n.role === 'slave';
    const phase = replica ? n.sync_phase : 'none';
    const line2 = replica ? `link ${n.link_status ?? '?'}` : `${n.replicas.length} replica${n.replicas.length === 1 ? '' : 's'}`;
    const before = n.past_replids[n.past_replids.length - 1];
    const line3 = replica ? n.repl_state : before === undefined ? '' : `old replid ${shortId(before)}`;
    const history = n.past_replids.length === 0 ? '' : `; replids before: ${n.past_replids.map(shortId).reverse().join(', ')}`;
    const t = (cls: string, text: string, dx: number, dy: number, anchor = 'start'): SVGTextElement =>
      svg('text', { class: cls, text: fit(text), attrs: { x: x + dx, y: y + dy, 'text-anchor': anchor } }, text.length > LINE_CHARS ? svg('title', { text }) : null);
    g.setAttribute('class', `card role-${n.role} phase-${phase}${selected ? ' selected' : ''}`);
    g.setAttribute('data-phase', phase);
    const offsetText = t('card-line card-offset', offset, 18, 82);
    replace(g,
      svg('title', { text: `${n.name}: ${replica ? `replica of ${n.master ?? '?'}, ${PHASE_LABEL[phase]}` : 'master'}${history} (click to select)` }),
      svg('rect', { class: 'card-box', attrs: { x, y, width: CARD_W, height: CARD_H, rx: 12 } }),
      svg('rect', { class: 'card-band', attrs: { x, y, width: 8, height: CARD_H, rx: 4 } }),
      t('card-name', n.name, 18, 32),
      t('card-role', replica ? 'replica' : 'master', CARD_W - 12, 28, 'end'),
      t('card-line', `replid ${shortId(n.replid)}`, 18, 58),
      offsetText,
      t('card-line', line2, 18, 106),
      t('card-line', line3, 18, 130),
      t('card-line card-keys', `${num(n.keys)} keys${load > 0 ? ` · ⚡${num(load)}/s` : ''}`, 18, 154));
    return offsetText;
  }

  private drawFlights(links: LinkView[]): void {
    const now = this.store.view.time_ms + this.store.carry;
    const out: SVGElement[] = [];
    for (const l of links) {
      for (const [from, to] of [[l.a, l.b], [l.b, l.a]]) {
        const ms = l.messages.filter((m) => m.from === from && m.to === to);
        const ends = this.ends(from, to);
        if (ends === undefined) continue;
        const bar = this.rdbProgress(from, to);
        if (bar !== undefined) out.push(rdbBar(bar, ends));
        const replay = replayOnLink(l, from, to);
        if (replay !== undefined) out.push(replayBar(replay, ends));
        for (const m of ms.slice(-MAX_DRAWN)) out.push(this.flight(m, ends, now));
      }
    }
    replace(this.flights, ...out);
  }

  /** How much of the RDB from `from` replica `to` has received, while it receives one. */
  private rdbProgress(from: string, to: string): { received: number; total: number } | undefined {
    const replica = this.store.node(to);
    if (replica?.master !== from || replica.sync_phase !== 'transfer') return undefined;
    const t = this.store.page.timelines.find((x) => x.replica === to);
    return { received: t?.rdb_received ?? 0, total: t?.rdb_total ?? 0 };
  }

  private flight(m: MessageView, [p, q]: [Point, Point], now: number): SVGElement {
    const span = m.arrive_ms - m.depart_ms;
    const pos = span <= 0 ? 1 : Math.min(1, Math.max(0, (now - m.depart_ms) / span));
    // Two lanes, so traffic each way does not overlap.
    const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
    const nx = -(q.y - p.y) / len * 7;
    const ny = (q.x - p.x) / len * 7;
    const x = p.x + (q.x - p.x) * pos + nx;
    const y = p.y + (q.y - p.y) * pos + ny;
    const title = svg('title', { text: `${m.from} → ${m.to}: ${m.text} (${num(m.bytes)} bytes)` });
    if (m.payload === 'rdb' && !m.fin) {
      return svg('rect', { class: 'flight flight-rdb', attrs: { x: x - 7, y: y - 5, width: 14, height: 10, rx: 2, 'data-payload': 'rdb' } }, title);
    }
    const r = m.payload === 'keepalive' ? 3 : 7;
    return svg('circle', {
      class: `flight flight-${m.fin ? 'fin' : m.payload}`,
      attrs: { cx: x, cy: y, r, 'data-payload': m.payload },
    }, title);
  }
}

/** The RDB transfer as a bar beside the link, filling as chunks arrive. */
function rdbBar({ received, total }: { received: number; total: number }, [p, q]: [Point, Point]): SVGElement {
  const done = total > 0 ? Math.min(1, received / total) : 0;
  const x = (p.x + q.x) / 2 - 160;
  const y = (p.y + q.y) / 2 - 4;
  const pct = rdbPercent(received, total);
  const label = pct === null ? 'RDB …' : `RDB ${pct}%`;
  return svg('g', { class: 'rdb-bar', attrs: { 'data-testid': 'rdb-bar' } },
    svg('title', { text: `the RDB snapshot: ${num(received)} of ${num(total)} bytes received` }),
    svg('rect', { class: 'rdb-track', attrs: { x, y, width: 130, height: 24, rx: 5 } }),
    svg('rect', { class: 'rdb-fill', attrs: { x, y, width: 130 * done, height: 24, rx: 5 } }),
    svg('text', { class: 'rdb-text', text: label, attrs: { x: x + 65, y: y + 17, 'text-anchor': 'middle' } }),
    svg('text', { class: 'rdb-bytes', text: `${num(received)} / ${num(total)} B`, attrs: { x: x + 65, y: y + 40, 'text-anchor': 'middle' } }));
}

/**
 * The buffered writes a master replays to a replica after the RDB, as the
 * view has them on this link: bytes still waiting for the wire (bandwidth)
 * and bytes on it. Undefined when none are on their way.
 */
export function replayOnLink(l: LinkView, from: string, to: string): { waiting: number; onWire: number } | undefined {
  const waiting = l.queued.filter((q) => q.payload === 'replay' && q.from === from && q.to === to).reduce((a, q) => a + q.bytes, 0);
  const onWire = l.messages.filter((m) => m.payload === 'replay' && m.from === from && m.to === to).reduce((a, m) => a + m.bytes, 0);
  return waiting + onWire > 0 ? { waiting, onWire } : undefined;
}

/** The buffered writes' replay as a bar beside the link, where the RDB's was: the share already on the wire fills it. */
function replayBar({ waiting, onWire }: { waiting: number; onWire: number }, [p, q]: [Point, Point]): SVGElement {
  const x = (p.x + q.x) / 2 - 160;
  const y = (p.y + q.y) / 2 - 4;
  const total = waiting + onWire;
  const text = `${bytes(waiting)} waiting to leave · ${bytes(onWire)} on the wire`;
  return svg('g', { class: 'rdb-bar replay-bar', attrs: { 'data-testid': 'replay-bar' } },
    svg('title', { text: `the writes buffered during the snapshot, replayed after it: ${text}` }),
    svg('rect', { class: 'rdb-track', attrs: { x, y, width: 130, height: 24, rx: 5 } }),
    svg('rect', { class: 'rdb-fill replay-fill', attrs: { x, y, width: (130 * onWire) / total, height: 24, rx: 5 } }),
    svg('text', { class: 'rdb-text', text: `replay ${bytes(total)}`, attrs: { x: x + 65, y: y + 17, 'text-anchor': 'middle' } }),
    svg('text', { class: 'rdb-bytes', text: onWire > 0 ? `${bytes(onWire)} on the wire` : `${bytes(waiting)} waiting`, attrs: { x: x + 65, y: y + 40, 'text-anchor': 'middle' } }));
}

/** A card line cut to what the card holds (the full text is in its title). */
function fit(text: string): string {
  return text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS - 1)}…` : text;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function findLink(links: LinkView[], a: string, b: string): LinkView | undefined {
  return links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
}

/** What decides how a link is drawn. Traffic matters only for a link that
 *  is not a replication arrow (it is drawn only while it carries bytes), so
 *  the arrows stay put, and clickable, under a steady write load. */
function linkKey(l: LinkView, related: Set<string>): string {
  const traffic = related.has(pairKey(l.a, l.b)) ? '' : String(l.messages.length > 0);
  return `${l.a}|${l.b}|${l.up_ab}|${l.up_ba}|${l.latency_ms}|${l.bandwidth_bytes_per_s}|${traffic}`;
}
