// The scenario box: paste, type or load a scenario script (the headless
// runner's format) and run it on a fresh world; export the session so far
// as a script; make a share link (seed + compressed script in the URL's
// fragment, see src/playground/share.rs) that rebuilds this very world, and
// open one pasted into the address bar.
import { el, replace } from '../dom';
import { Model } from '../model';
import type { Store } from '../store';
import type { RunReport } from '../types';

export class Scenario {
  readonly root: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly output: HTMLElement;
  private readonly link: HTMLInputElement;
  private readonly error: HTMLElement;

  constructor(private readonly store: Store, script: string) {
    this.text = el('textarea', { class: 'script', attrs: { id: 'script', spellcheck: 'false', rows: 14, 'aria-label': 'scenario script' } });
    this.text.value = script;
    this.error = el('div', { class: 'script-error', attrs: { id: 'script-error', role: 'alert', hidden: true } });
    this.text.addEventListener('input', () => this.showError(null));
    this.output = el('div', { class: 'script-output', attrs: { id: 'script-output', 'aria-live': 'polite' } });
    this.link = el('input', { class: 'share-link', attrs: { id: 'share-link', type: 'text', readonly: true, 'aria-label': 'share link', placeholder: 'share link appears here' } });
    const file = el('input', { attrs: { type: 'file', accept: '.txt,.scenario,text/plain', id: 'script-file', 'aria-label': 'load a script file' }, on: { change: () => void this.loadFile(file) } });
    const button = (id: string, text: string, fn: () => void, cls = ''): HTMLButtonElement =>
      el('button', { class: cls, attrs: { id, type: 'button' }, text, on: { click: fn } });
    this.root = el('div', { class: 'scenario', attrs: { id: 'scenario' } },
      el('p', { class: 'hint', text: 'One line per step: node A · B> REPLICAOF A · A> SET k v · wait 1500 · settle · link A B down|up|latency 20|bandwidth 5000 · expect B> GET k => "v". Running replaces the world.' }),
      this.text,
      this.error,
      el('div', { class: 'script-buttons' },
        button('script-run', '▶ Run script', () => this.run(), 'primary'),
        button('script-export', 'Export session', () => this.exportSession()),
        button('script-share', 'Share link', () => this.share()),
        el('label', { class: 'file-label' }, 'Load file… ', file)),
      this.link,
      this.output);
  }

  render(): void {
    // Nothing follows the world here: the box only changes on a click.
  }

  /**
   * Runs the box's script. A script that does not parse changes nothing:
   * the error stays in the box, under the script, with its line and
   * column, and the cursor goes to that place.
   */
  run(): void {
    let report: RunReport;
    try {
      report = this.store.model.runScript(this.text.value);
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
      this.store.refresh();
      return;
    }
    this.showError(null);
    this.store.reset(this.store.model);
    this.show(report);
  }

  /** Shows (or clears) an error about the script, pointing at its line and column when it names them. */
  private showError(message: string | null): void {
    this.error.hidden = message === null;
    this.text.setAttribute('aria-invalid', String(message !== null));
    if (message === null) {
      replace(this.error);
      return;
    }
    const at = /line (\d+), column (\d+)/.exec(message);
    if (at === null) {
      replace(this.error, el('p', { text: message }));
      return;
    }
    const [line, column] = [Number(at[1]), Number(at[2])];
    const source = this.text.value.split('\n')[line - 1] ?? '';
    replace(this.error, el('p', { text: message }),
      el('pre', { class: 'script-error-where', text: `${String(line).padStart(3)} | ${source}\n    | ${' '.repeat(Math.max(0, column - 1))}^` }));
    const offset = this.text.value.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    this.text.setSelectionRange(offset, offset);
  }

  /** Shows what a run did. */
  show(report: RunReport): void {
    const rows = report.transcript.map((t) => el('div', { class: `run-row${t.failure ? ' run-fail' : ''}` },
      el('span', { class: 'run-line', text: `${t.line}: ` }),
      el('span', { class: 'run-cmd', text: t.command }),
      el('pre', { class: 'run-reply', text: t.reply }),
      t.failure ? el('div', { class: 'run-failure', text: t.failure }) : null));
    const summary = report.error !== null ? `Stopped: ${report.error}`
      : `Ran ${report.transcript.length} command(s); ${report.expects - report.failed}/${report.expects} expectations met.`;
    replace(this.output, el('p', { class: report.error !== null || report.failed > 0 ? 'bad' : 'ok', text: summary }), ...rows);
  }

  private exportSession(): void {
    const text = this.store.read((m) => m.exportScript());
    if (text === undefined) return;
    this.text.value = text;
    replace(this.output, el('p', { class: 'ok', text: 'The session so far is in the box: copy it, or run it to rebuild this world.' }));
  }

  /**
   * Opens a share link pasted into the address bar of the open page (only
   * the fragment changes, so the page does not reload). A damaged link
   * changes nothing: the error is shown and the world stays.
   */
  openLink(hash: string): void {
    if (hash.length <= 1) return;
    let opened: { model: Model; report: RunReport; script: string };
    try {
      const shared = Model.parseShare(hash);
      opened = { ...Model.fromScript(shared.seed, shared.script), script: shared.script };
    } catch (e) {
      this.store.notice(e instanceof Error ? e.message : String(e), true);
      return;
    }
    const old = this.store.model;
    this.store.reset(opened.model);
    old.free();
    this.text.value = opened.script;
    this.show(opened.report);
    this.store.notice('Opened the shared world.');
  }

  private share(): void {
    const fragment = this.store.read((m) => m.shareFragment());
    if (fragment === undefined) return;
    // replaceState fires no hashchange: the world on screen is the link's.
    history.replaceState(null, '', `#${fragment}`);
    this.link.value = location.href;
    this.link.select();
    this.store.notice('Share link ready: it holds the seed and the session script.');
  }

  /** Puts a script file in the box; refuses one that is not text (a dump.rdb, an image). */
  private async loadFile(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    input.value = '';
    if (f === undefined) return;
    const refusal = await notScript(f);
    if (refusal !== null) {
      this.showError(refusal);
      return;
    }
    this.text.value = await f.text();
    this.showError(null);
    replace(this.output, el('p', { class: 'ok', text: `Loaded ${f.name}: press Run script to run it.` }));
  }
}

/** Largest script file accepted (a script is a few kilobytes of text). */
const MAX_SCRIPT_BYTES = 1 << 20;

/** Why `f` cannot be a scenario script, or null when it is text. */
export async function notScript(f: Blob & { name: string }): Promise<string | null> {
  if (f.size > MAX_SCRIPT_BYTES) return `${f.name} is not a script: it has ${f.size.toLocaleString('en-US')} bytes (a script is a text file of at most 1 MB).`;
  return textRefusal(f.name, new Uint8Array(await f.arrayBuffer()));
}

/** Why these bytes are not a script's text (null when they are UTF-8 text without NUL or control bytes). */
export function textRefusal(name: string, bytes: Uint8Array): string | null {
  const rdb = bytes.length >= 9 && new TextDecoder('latin1').decode(bytes.subarray(0, 5)) === 'REDIS';
  const what = rdb ? ' (it is an RDB snapshot, like dump.rdb)' : '';
  const binary = `${name} is not a text file${what}: load a scenario script, one step a line (node A, B> REPLICAOF A, …).`;
  if (rdb) return binary;
  for (const b of bytes) if (b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 13)) return binary;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return binary;
  }
  return null;
}

/** The world to start with: a share link's, else the default (with any link error to show). */
export function initialWorld(hash: string): { model: Model; script: string; report: RunReport | null; error: string | null } {
  if (hash.length > 1) {
    try {
      const shared = Model.parseShare(hash);
      const { model, report } = Model.fromScript(shared.seed, shared.script);
      return { model, script: shared.script, report, error: null };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      return { model: Model.defaultWorld(1), script: Model.defaultScript(), report: null, error };
    }
  }
  return { model: Model.defaultWorld(1), script: Model.defaultScript(), report: null, error: null };
}
