// The `?` overlay: what the page shows and the keyboard shortcuts.
import { el } from '../dom';
import type { Store } from '../store';

export const SHORTCUTS: [string, string][] = [
  ['space', 'play / pause'],
  ['→', 'step to the next event'],
  ['←', 'step back (undo the last action)'],
  ['n', 'run to the next sync phase'],
  ['+ / −', 'faster / slower'],
  ['/', 'focus the console'],
  ['?', 'this help'],
  ['Esc', 'close this help or the link editor'],
  ['Home / End / PgUp / PgDn', 'move the focused slider (the timeline, the speed)'],
];

export class Help {
  readonly root: HTMLElement;

  constructor(private readonly store: Store) {
    this.root = el('div', { class: 'help-overlay', attrs: { id: 'help', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'help', hidden: true },
      on: { click: (e) => { if (e.target === this.root) store.setUi({ help: false }); } } },
    el('div', { class: 'help-box' },
      el('h2', { text: 'replscope — how to read the page' }),
      el('p', { text: 'Every node is a simulated Redis 7.0 server. The picture shows masters above their replicas; bytes in flight move along the arrows (dots are commands, hover them to read; the bar is the RDB snapshot filling as its chunks arrive). Click a node to select it, click an arrow to cut, heal or slow down the link.' }),
      el('p', { text: 'The Sync panel explains, step by step, what the selected replica is doing and why its master chose a full or a partial resync. Everything comes from the deterministic core; the same seed and actions always give the same history, so Back really goes back.' }),
      el('p', { text: 'The shortcuts work wherever the focus is, except while typing in a text field or the console; they never change the focused control (Enter presses a focused button). Drag the timeline under the buttons to go to any moment: the marks are the sync phase changes.' }),
      el('table', { class: 'shortcuts' }, ...SHORTCUTS.map(([k, v]) => el('tr', {}, el('td', {}, el('kbd', { text: k })), el('td', { text: v })))),
      el('button', { attrs: { type: 'button', id: 'help-close' }, text: 'Close', on: { click: () => store.setUi({ help: false }) } })));
  }

  render(): void {
    this.root.hidden = !this.store.ui.help;
  }
}
