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

  it('copes with an empty world', () => {
    expect(treeLayout([])).toEqual({ placed: new Map(), width: 1, depth: 1 });
  });
});
