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
import { initialWorld, Scenario } from './panels/scenario';
import { Topology } from './panels/topology';
import { isLessonHash, mountLessons } from './lesson';

interface Panel { root: HTMLElement; render(): void }

/** Frame work times kept for the benchmark. */
const FRAME_LOG = 2000;

const TABS: [Tab, string][] = [['events', 'Events'], ['sequence', 'Sequence'], ['charts', 'Charts'], ['keys', 'Keys'], ['scenario', 'Scenario']];

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
    keys: new Keyspace(store), scenario,
  };
  const help = new Help(store);
  const always: Panel[] = [time, new Narration(store), topology, new NodeControls(store, cli), new LinkEditor(store),
    new Phases(store), new Buffers(store), cli, help];

  replace(slot('time-slot'), time.root);
  replace(slot('narration-slot'), always[1].root);
  replace(slot('topology-slot'), topology.root, always[4].root);
  replace(slot('node-controls-slot'), always[3].root);
  replace(slot('phases-slot'), always[5].root);
  replace(slot('buffers-slot'), always[6].root);
  replace(slot('console-slot'), cli.root);
  document.body.append(help.root);
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
  // How long each frame's own work took (advance, snapshot, render), the
  // newest FRAME_LOG of them: read by bench/frame-bench.mjs.
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
      dirty = true;
    }
    if (dirty) {
      dirty = false;
      renderAll();
    }
    work.push(performance.now() - started);
    if (work.length > FRAME_LOG) work.splice(0, work.length - FRAME_LOG);
    requestAnimationFrame(frame);
  };
  renderAll();
  requestAnimationFrame(frame);
  keyboard(store, time, cli);

  status.textContent = `simulator ready · seed ${store.model.seed()}`;
  status.dataset.state = 'ready';
  // Read by bench/frame-bench.mjs: the page is drawn and answers input.
  performance.mark('replscope:interactive');
  // For the end-to-end tests and the frame benchmark: the store, read-only
  // by convention, and the frames' work times.
  (window as unknown as { replscope: { store: Store; frameWork: number[] } }).replscope = { store, frameWork: work };
  // A newcomer should see the sync move at once.
  if (world.report === null) store.setUi({ playing: true });
  lessons.start(location.hash);
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

function keyboard(store: Store, time: TimeControls, cli: Console): void {
  const slider = document.getElementById('speed') as HTMLInputElement | null;
  const nudge = (d: number): void => {
    if (slider === null) return;
    slider.value = String(Math.min(2, Math.max(-1, Number(slider.value) + d)));
    store.setUi({ speed: speedFromSlider(Number(slider.value)) });
  };
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    const typing = t.closest('input, textarea, select') !== null;
    if (e.key === 'Escape') {
      store.setUi({ help: false, link: null });
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const actions: Record<string, () => void> = {
      ' ': () => time.togglePlay(),
      ArrowRight: () => time.step(),
      ArrowLeft: () => time.stepBack(),
      n: () => time.nextPhase(),
      '?': () => store.setUi({ help: !store.ui.help }),
      '+': () => nudge(0.1), '=': () => nudge(0.1), '-': () => nudge(-0.1),
      '/': () => cli.focus(),
    };
    const fn = actions[e.key];
    if (fn === undefined) return;
    e.preventDefault();
    fn();
  });
}

void start();
