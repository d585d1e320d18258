// Entry point: load the wasm core, build the world (a share link's, or the
// default one), mount the panels, and run the animation loop. The loop
// advances virtual time by speed × elapsed wall time while playing; every
// panel renders from the store's snapshot and skips what did not change.
import init from '../pkg/replscope.js';
import './styles.css';
import { el, replace } from './dom';
import { speedFromSlider, virtualStep } from './format';
import { Store, type Tab } from './store';
import { Buffers } from './panels/buffers';
import { Charts } from './panels/charts';
import { Console } from './panels/console';
import { LinkEditor, NodeControls, TimeControls } from './panels/controls';
import { EventLog, Sequence } from './panels/events';
import { Help } from './panels/help';
import { Keyspace } from './panels/keyspace';
import { Narration } from './panels/narration';
import { Phases } from './panels/phases';
import { RdbPanel } from './panels/rdb';
import { Announcer, Scrubber } from './panels/scrubber';
import { initialWorld, Scenario } from './panels/scenario';
import { Topology } from './panels/topology';
import { isLessonHash, mountLessons } from './lesson';

interface Panel { root: HTMLElement; render(): void }

/** Frame work times kept for the benchmark. */
const FRAME_LOG = 2000;

const TABS: [Tab, string][] = [['events', 'Events'], ['sequence', 'Sequence'], ['charts', 'Charts'], ['keys', 'Keys'], ['rdb', 'RDB'], ['scenario', 'Scenario']];

function slot(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e;
}

/** Short-lived messages at the bottom of the page (never console errors). */
function notices(): (text: string, error: boolean) => void {
  const box = slot('notices');
  return (text, error) => {
    const n = el('div', { class: `notice${error ? ' notice-error' : ''}`, attrs: { role: error ? 'alert' : 'status' }, text });
    box.append(n);
    while (box.children.length > 4) box.firstElementChild?.remove();
    setTimeout(() => n.remove(), error ? 8000 : 4000);
  };
}

async function start(): Promise<void> {
  const status = slot('status');
  try {
    await init();
  } catch (e) {
    status.textContent = `the simulator failed to load: ${String(e)}`;
    status.dataset.state = 'error';
    return;
  }
  const world = initialWorld(isLessonHash(location.hash) ? '' : location.hash);
  const store = new Store(world.model);
  store.onNotice(notices());
  if (world.error !== null) store.notice(world.error, true);

  const cli = new Console(store);
  const time = new TimeControls(store);
  const topology = new Topology(store);
  const scenario = new Scenario(store, world.script);
  if (world.report !== null) scenario.show(world.report);
  const tabPanels: Record<Tab, Panel> = {
    events: new EventLog(store), sequence: new Sequence(store), charts: new Charts(store),
    keys: new Keyspace(store), rdb: new RdbPanel(store), scenario,
  };
  const help = new Help(store);
  const scrubber = new Scrubber(store);
  const announcer = new Announcer(store);
  const always: Panel[] = [time, new Narration(store), topology, new NodeControls(store, cli), new LinkEditor(store),
    new Phases(store), new Buffers(store), cli, help, scrubber, announcer];

  replace(slot('time-slot'), time.root);
  replace(slot('narration-slot'), always[1].root);
  replace(slot('topology-slot'), topology.root, always[4].root);
  replace(slot('node-controls-slot'), always[3].root);
  replace(slot('phases-slot'), always[5].root);
  replace(slot('buffers-slot'), always[6].root);
  replace(slot('console-slot'), cli.root);
  replace(slot('scrub-slot'), scrubber.root);
  replace(slot('announce-slot'), announcer.root);
  document.body.append(help.root);
  viewButtons();
  mountTabs(store, tabPanels);
  slot('help-button').addEventListener('click', () => store.setUi({ help: !store.ui.help }));
  const lessons = mountLessons(store);
  window.addEventListener('hashchange', () => {
    if (isLessonHash(location.hash)) lessons.openHash(location.hash);
    else scenario.openLink(location.hash);
  });

  let dirty = true;
  store.subscribe(() => { dirty = true; });
  const renderAll = (): void => {
    for (const p of always) p.render();
    tabPanels[store.ui.tab].render();
  };
  renderAll();
  const work = animate(store, () => dirty, (d) => { dirty = d; }, renderAll);
  keyboard(store, time, cli);

  status.textContent = `simulator ready · seed ${store.model.seed()}`;
  status.dataset.state = 'ready';
  // Read by bench/frame-bench.mjs: the page is drawn and answers input.
  performance.mark('replscope:interactive');
  // For the end-to-end tests and the frame benchmark: the store, read-only
  // by convention, and the frames' work times.
  (window as unknown as { replscope: { store: Store; frameWork: number[] } }).replscope = { store, frameWork: work };
  // The default world waits at its first moment (t = 0, B not connected
  // yet), so a newcomer sees the connection and the PSYNC happen: the
  // narration says to press Play or to step.
  lessons.start(location.hash);
}

type Theme = 'auto' | 'light' | 'dark';
const THEMES: Theme[] = ['auto', 'light', 'dark'];

/** Reads a saved page setting (storage may be off: then the default). */
function saved(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode: the setting lasts until the page closes.
  }
}

/** The colour theme (follows the system unless chosen) and the projector's larger text. */
function viewButtons(): void {
  const root = document.documentElement;
  const theme = slot('theme-button');
  const text = slot('text-button');
  const apply = (t: Theme, large: boolean): void => {
    if (t === 'auto') delete root.dataset.theme; else root.dataset.theme = t;
    theme.textContent = `◐ ${t}`;
    theme.setAttribute('aria-label', `colours: ${t === 'auto' ? 'follow the system' : t}`);
    root.classList.toggle('large-text', large);
    text.setAttribute('aria-pressed', String(large));
  };
  let t = (THEMES as string[]).includes(saved('replscope-theme') ?? '') ? saved('replscope-theme') as Theme : 'auto';
  let large = saved('replscope-large-text') === '1';
  apply(t, large);
  theme.addEventListener('click', () => {
    t = THEMES[(THEMES.indexOf(t) + 1) % THEMES.length];
    save('replscope-theme', t);
    apply(t, large);
  });
  text.addEventListener('click', () => {
    large = !large;
    save('replscope-large-text', large ? '1' : '0');
    apply(t, large);
  });
}

/**
 * The animation loop: advances virtual time by speed × elapsed wall time
 * while playing and renders when anything changed. Returns how long each
 * frame's own work took (advance, snapshot, render), the newest FRAME_LOG
 * of them, read by bench/frame-bench.mjs.
 */
function animate(store: Store, isDirty: () => boolean, setDirty: (d: boolean) => void, renderAll: () => void): number[] {
  const work: number[] = [];
  let last = performance.now();
  const frame = (now: number): void => {
    const started = performance.now();
    const elapsed = now - last;
    last = now;
    if (store.ui.playing) {
      const step = virtualStep(elapsed, store.ui.speed, store.carry);
      store.carry = step.carry;
      if (step.ms > 0) store.act((m) => m.advance(step.ms));
      setDirty(true);
    }
    if (isDirty()) {
      setDirty(false);
      renderAll();
    }
    work.push(performance.now() - started);
    if (work.length > FRAME_LOG) work.splice(0, work.length - FRAME_LOG);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return work;
}

function mountTabs(store: Store, panels: Record<Tab, Panel>): void {
  const bar = slot('tab-bar');
  const body = slot('tab-body');
  const draw = (): void => {
    replace(bar, ...TABS.map(([tab, label]) => el('button', {
      class: `tab${store.ui.tab === tab ? ' active' : ''}`,
      attrs: { role: 'tab', type: 'button', 'aria-selected': store.ui.tab === tab, 'data-tab': tab, id: `tab-${tab}` },
      text: label,
      on: { click: () => { store.setUi({ tab }); draw(); } },
    })));
    replace(body, panels[store.ui.tab].root);
  };
  draw();
}

/** Where a key is text being typed: text fields and the console. */
function typesText(t: Element | null): boolean {
  if (t === null) return false;
  if (t.closest('textarea, [contenteditable=""], [contenteditable="true"], #console-input') !== null) return true;
  const input = t.closest('input');
  return input !== null && !['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color'].includes(input.type);
}

/**
 * The global shortcuts. They work wherever focus is, except where text is
 * typed, and they never also change the focused control: the listener runs
 * first (capture) and cancels the key's default, so → on the "replica of"
 * select steps time instead of re-pointing the replica, and space on a
 * checkbox or a button plays or pauses instead of toggling or pressing it
 * (Enter still presses a button; Home/End/PageUp/PageDown still move a slider).
 */
function keyboard(store: Store, time: TimeControls, cli: Console): void {
  const slider = document.getElementById('speed') as HTMLInputElement | null;
  const nudge = (d: number): void => {
    if (slider === null) return;
    slider.value = String(Math.min(2, Math.max(-1, Number(slider.value) + d)));
    store.setUi({ speed: speedFromSlider(Number(slider.value)) });
  };
  const actions: Record<string, () => void> = {
    ' ': () => time.togglePlay(),
    ArrowRight: () => time.step(),
    ArrowLeft: () => time.stepBack(),
    n: () => time.nextPhase(),
    '?': () => store.setUi({ help: !store.ui.help }),
    '+': () => nudge(0.1), '=': () => nudge(0.1), '-': () => nudge(-0.1),
    '/': () => cli.focus(),
  };
  let spaceTaken = false;
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      store.setUi({ help: false, link: null });
      return;
    }
    if (typesText(e.target as Element | null) || e.ctrlKey || e.metaKey || e.altKey) return;
    const fn = actions[e.key];
    if (fn === undefined) return;
    e.preventDefault();
    if (e.key === ' ') spaceTaken = true;
    if (!e.repeat || e.key !== ' ') fn();
  }, { capture: true });
  // A checkbox toggles and a button clicks on space's keyup: cancel that too.
  window.addEventListener('keyup', (e) => {
    if (e.key === ' ' && spaceTaken) {
      spaceTaken = false;
      e.preventDefault();
    }
  }, { capture: true });
}

void start();
