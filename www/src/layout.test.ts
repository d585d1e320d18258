import { describe, expect, it } from 'vitest';
import { treeLayout } from './layout';

describe('treeLayout', () => {
  it('puts a master over its replicas and a cascade one level deeper', () => {
    const l = treeLayout([
      { name: 'A', master: null }, { name: 'B', master: 'A' }, { name: 'C', master: 'A' }, { name: 'D', master: 'B' },
    ]);
    expect([...l.placed.values()].map((p) => [p.name, p.x, p.depth])).toEqual([
      ['D', 0, 2], ['B', 0, 1], ['C', 1, 1], ['A', 0.5, 0],
    ]);
    expect([l.width, l.depth]).toEqual([2, 3]);
  });

  it('draws separate masters side by side, and cycles or missing masters as roots', () => {
    const l = treeLayout([
      { name: 'A', master: 'B' }, { name: 'B', master: 'A' }, { name: 'C', master: 'gone' }, { name: 'D', master: null },
    ]);
    expect([...l.placed.values()].map((p) => [p.name, p.x, p.depth])).toEqual([
      ['A', 0, 0], ['B', 1, 0], ['C', 2, 0], ['D', 3, 0],
    ]);
  });

  it('wraps trees onto new bands past maxCols; a wide tree keeps a band to itself', () => {
    const lone = Array.from({ length: 5 }, (_, i) => ({ name: `N${i}`, master: null }));
    const l = treeLayout(lone, 2);
    expect([...l.placed.values()].map((p) => [p.name, p.x, p.depth])).toEqual([
      ['N0', 0, 0], ['N1', 1, 0], ['N2', 0, 1], ['N3', 1, 1], ['N4', 0, 2],
    ]);
    expect([l.width, l.depth]).toEqual([2, 3]);
    const wide = treeLayout([{ name: 'X', master: null }, { name: 'A', master: null }, { name: 'B', master: 'A' }, { name: 'C', master: 'A' }, { name: 'D', master: 'A' }], 2);
    expect(wide.placed.get('X')).toEqual({ name: 'X', x: 0, depth: 0 });
    expect(wide.placed.get('A')).toEqual({ name: 'A', x: 1, depth: 1 });
    expect(wide.placed.get('D')).toEqual({ name: 'D', x: 2, depth: 2 });
    expect([wide.width, wide.depth]).toEqual([3, 3]);
  });

  it('copes with an empty world', () => {
    expect(treeLayout([])).toEqual({ placed: new Map(), width: 1, depth: 1 });
  });
});
