// The controls around the picture: time (play/pause, step, next phase,
// step back, speed, the virtual clock), the selected node's topology
// actions (add, remove, re-point with REPLICAOF, promote, force a resync),
// and the editor of the selected link (cut/heal, latency, bandwidth).
import { el, replace } from '../dom';
import { bandwidth, clock, speedFromSlider, speedLabel } from '../format';
import type { Store } from '../store';
import type { Console } from './console';

/** Play/pause, step, next phase, step back, speed and the clock. */
export class TimeControls {
  readonly root: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly back: HTMLButtonElement;
  private readonly clockEl: HTMLElement;
  private readonly speedEl: HTMLElement;
  private readonly slider: HTMLInputElement;

  constructor(private readonly store: Store) {
    const button = (id: string, text: string, title: string, fn: () => void): HTMLButtonElement =>
      el('button', { attrs: { id, type: 'button', title }, text, on: { click: fn } });
    this.play = button('play', '▶ Play', 'play / pause (space)', () => this.togglePlay());
    this.back = button('step-back', '◀ Back', 'step back: undo the last action (←)', () => this.stepBack());
    this.slider = el('input', {
      attrs: { id: 'speed', type: 'range', min: -1, max: 2, step: 0.05, value: 0, 'aria-label': 'speed' },
      on: { input: () => this.store.setUi({ speed: speedFromSlider(Number(this.slider.value)) }) },
    });
    this.speedEl = el('output', { class: 'speed-label', attrs: { id: 'speed-label' } });
    this.clockEl = el('output', { class: 'clock', attrs: { id: 'clock', title: 'virtual time since the world started' } });
    this.root = el('div', { class: 'time-controls', attrs: { role: 'toolbar', 'aria-label': 'time' } },
      this.play,
      button('step', 'Step ▸', 'step to the next event (→)', () => this.step()),
      button('next-phase', 'Next phase »', 'run until a replica\'s sync phase changes (n)', () => this.nextPhase()),
      this.back,
      el('label', { class: 'speed' }, 'speed ', this.slider, this.speedEl),
      this.clockEl);
  }

  togglePlay(): void {
    this.store.setUi({ playing: !this.store.ui.playing });
  }

  step(): void {
    this.store.setUi({ playing: false });
    if (this.store.act((m) => m.step()) === false) this.store.notice('Nothing is scheduled: the world is quiet.');
  }

  nextPhase(): void {
    this.store.setUi({ playing: false });
    if (this.store.act((m) => m.nextPhase()) === false) this.store.notice('No sync phase changed within a minute of virtual time.');
  }

  stepBack(): void {
    this.store.setUi({ playing: false });
    if (this.store.act((m) => m.stepBack()) === false) this.store.notice('Nothing left to undo (step back reaches about 500 actions).');
  }

  render(): void {
    const s = this.store;
    this.play.textContent = s.ui.playing ? '❚❚ Pause' : '▶ Play';
    this.play.classList.toggle('active', s.ui.playing);
    this.back.disabled = !s.page.can_step_back;
    this.speedEl.textContent = speedLabel(s.ui.speed);
    this.clockEl.textContent = `t = ${clock(s.view.time_ms)}`;
  }
}

/** Add a node; for the selected one: re-point, promote, resync, remove. */
export class NodeControls {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private key = '';

  constructor(private readonly store: Store, private readonly console: Console) {
    this.body = el('div', { class: 'node-controls-body' });
    this.root = el('div', { class: 'node-controls', attrs: { id: 'node-controls' } }, this.body);
  }

  render(): void {
    const s = this.store;
    const n = s.node(s.ui.selected);
    const key = JSON.stringify([s.view.nodes.map((x) => [x.name, x.master]), n?.name]);
    if (key === this.key) return;
    this.key = key;
    const add = el('button', { attrs: { id: 'add-node', type: 'button', title: 'add a Redis node with the default configuration' }, text: '+ Add node', on: { click: () => this.addNode() } });
    if (n === undefined) {
      replace(this.body, add);
      return;
    }
    const others = s.view.nodes.filter((x) => x.name !== n.name);
    const select = el('select', {
      attrs: { id: 'replicaof', 'aria-label': `${n.name} replicates from` },
      on: { change: () => this.repoint(n.name, select.value) },
    }, el('option', { attrs: { value: '' }, text: '— nobody (master)' }),
    ...others.map((o) => el('option', { attrs: { value: o.name, selected: n.master === o.name }, text: o.name })));
    select.value = n.master ?? '';
    replace(this.body, add,
      el('span', { class: 'node-controls-label' }, el('strong', { text: n.name }), ' replica of '), select,
      el('button', { attrs: { id: 'promote', type: 'button', disabled: n.master === null, title: 'REPLICAOF NO ONE' }, text: 'Promote', on: { click: () => this.console.run(n.name, 'REPLICAOF NO ONE') } }),
      el('button', { attrs: { id: 'resync', type: 'button', disabled: n.master === null, title: 'drop the link and ask for a full sync (PSYNC ? -1)' }, text: 'Force full sync', on: { click: () => this.store.act((m) => m.resync(n.name)) } }),
      el('button', { attrs: { id: 'remove-node', type: 'button', class: 'danger' }, text: 'Remove', on: { click: () => this.store.act((m) => m.removeNode(n.name)) } }));
  }

  private repoint(node: string, master: string): void {
    this.console.run(node, master === '' ? 'REPLICAOF NO ONE' : `REPLICAOF ${master}`);
  }

  private addNode(): void {
    const names = new Set(this.store.view.nodes.map((n) => n.name));
    const name = nextName(names);
    this.store.act((m) => m.addNode(name));
    this.store.setUi({ selected: name });
  }
}

/** A, B, ..., Z, then N27, N28, ... */
export function nextName(taken: Set<string>): string {
  for (let i = 0; i < 26; i++) {
    const c = String.fromCharCode(65 + i);
    if (!taken.has(c)) return c;
  }
  for (let i = 27; ; i++) if (!taken.has(`N${i}`)) return `N${i}`;
}

/** The selected link: cut or heal it, set its latency and bandwidth. */
export class LinkEditor {
  readonly root: HTMLElement;
  private key = '';

  constructor(private readonly store: Store) {
    this.root = el('div', { class: 'link-editor', attrs: { id: 'link-editor', role: 'dialog', 'aria-label': 'link settings', hidden: true } });
  }

  render(): void {
    const s = this.store;
    const pair = s.ui.link;
    const l = pair === null ? undefined : s.view.links.find((x) => (x.a === pair[0] && x.b === pair[1]) || (x.a === pair[1] && x.b === pair[0]));
    const key = JSON.stringify([pair, l?.up_ab, l?.up_ba, l?.latency_ms, l?.bandwidth_bytes_per_s]);
    if (key === this.key) return;
    this.key = key;
    this.root.hidden = pair === null;
    if (pair === null) return;
    const [a, b] = pair;
    const up = l === undefined || (l.up_ab && l.up_ba);
    const latency = el('input', { attrs: { id: 'latency-input', type: 'number', min: 0, max: 60000, value: l?.latency_ms ?? 0, 'aria-label': 'latency in ms' } });
    const bw = el('input', { attrs: { id: 'bandwidth-input', type: 'number', min: 1, placeholder: 'unlimited', value: l?.bandwidth_bytes_per_s ?? '', 'aria-label': 'bandwidth in bytes per second' } });
    const act = (fn: () => void): void => { this.store.act(fn); };
    replace(this.root,
      el('div', { class: 'link-editor-head' },
        el('strong', { text: `Link ${a} ↔ ${b}` }),
        el('span', { class: up ? 'ok' : 'bad', text: up ? ' up' : ' cut' }),
        el('button', { class: 'close', attrs: { type: 'button', 'aria-label': 'close' }, text: '×', on: { click: () => s.setUi({ link: null }) } })),
      el('button', {
        attrs: { id: 'link-toggle', type: 'button' }, class: up ? 'danger' : 'primary', text: up ? '✂ Cut link' : 'Heal link',
        on: { click: () => act(() => s.model.setLinkUp(a, b, !up)) },
      }),
      el('form', { class: 'link-row', on: { submit: (e) => { e.preventDefault(); act(() => s.model.setLatency(a, b, Math.max(0, Math.round(Number(latency.value))))); } } },
        el('label', { attrs: { for: 'latency-input' }, text: 'Latency (ms)' }), latency, el('button', { attrs: { type: 'submit' }, text: 'Set' })),
      el('form', { class: 'link-row', on: { submit: (e) => { e.preventDefault(); act(() => s.model.setBandwidth(a, b, bw.value === '' ? null : Math.max(1, Math.round(Number(bw.value))))); } } },
        el('label', { attrs: { for: 'bandwidth-input' }, text: 'Bandwidth (B/s)' }), bw, el('button', { attrs: { type: 'submit' }, text: 'Set' })),
      el('p', { class: 'hint', text: `now: ${l?.latency_ms ?? 0} ms, ${bandwidth(l?.bandwidth_bytes_per_s ?? null)}. Empty bandwidth = unlimited.` }));
  }
}
