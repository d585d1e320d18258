// Charts over virtual time, drawn by uPlot: each replica's replication
// offset, and its lag (bytes its master has that it does not, yet).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from '../dom';
import type { Sample, Store } from '../store';

/** While playing, redrawn at most this often (wall ms). */
const REDRAW_MS = 250;
const COLORS = ['#38bdf8', '#f472b6', '#a3e635', '#fbbf24', '#c084fc', '#fb7185', '#2dd4bf', '#e2e8f0'];

/** Samples as uPlot's aligned columns: times, then one column per replica. */
export function columns(samples: Sample[], replicas: string[], field: 'offset' | 'lag'): (number | null)[][] {
  const xs = samples.map((s) => s.t);
  return [xs, ...replicas.map((r) => samples.map((s) => s[field][r] ?? null))];
}

/** Every replica that appears in the samples, in first-seen order. */
export function replicasIn(samples: Sample[]): string[] {
  const seen: string[] = [];
  for (const s of samples) for (const r of Object.keys(s.offset)) if (!seen.includes(r)) seen.push(r);
  return seen;
}

export class Charts {
  readonly root: HTMLElement;
  private readonly offsetBox: HTMLElement;
  private readonly lagBox: HTMLElement;
  private plots: uPlot[] = [];
  private series = '';
  private version = -1;
  private width = 0;
  private drawnAt = 0;

  constructor(private readonly store: Store) {
    this.offsetBox = el('div', { class: 'chart', attrs: { id: 'chart-offset' } });
    this.lagBox = el('div', { class: 'chart', attrs: { id: 'chart-lag' } });
    this.root = el('div', { class: 'charts' },
      el('h3', { text: 'Replication offset per replica (bytes)' }), this.offsetBox,
      el('h3', { text: 'Lag: bytes behind its master' }), this.lagBox);
  }

  render(): void {
    const s = this.store;
    const now = performance.now();
    if (s.version === this.version && this.root.clientWidth === this.width) return;
    if (s.ui.playing && now - this.drawnAt < REDRAW_MS) return;
    this.version = s.version;
    this.drawnAt = now;
    const replicas = replicasIn(s.samples);
    const width = Math.max(300, this.root.clientWidth - 8);
    if (replicas.join(',') !== this.series || width !== this.width) {
      this.series = replicas.join(',');
      this.width = width;
      this.build(replicas, width);
    }
    this.plots[0]?.setData(columns(s.samples, replicas, 'offset') as uPlot.AlignedData);
    this.plots[1]?.setData(columns(s.samples, replicas, 'lag') as uPlot.AlignedData);
  }

  private build(replicas: string[], width: number): void {
    for (const p of this.plots) p.destroy();
    const axis = { stroke: '#cbd5e1', grid: { stroke: '#334155' }, ticks: { stroke: '#475569' }, font: '14px system-ui' };
    const opts = (): uPlot.Options => ({
      width,
      height: 200,
      scales: { x: { time: false } },
      axes: [{ ...axis, label: 'virtual time (s)', labelFont: '14px system-ui' }, { ...axis, size: 80 }],
      legend: { live: false },
      series: [{ label: 't' }, ...replicas.map((r, i) => ({ label: r, stroke: COLORS[i % COLORS.length], width: 2 }))],
    });
    const empty = [[], ...replicas.map(() => [])] as unknown as uPlot.AlignedData;
    this.plots = [new uPlot(opts(), empty, this.offsetBox), new uPlot(opts(), empty, this.lagBox)];
  }
}
