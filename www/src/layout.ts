// Where each node goes in the topology: masters at the top, each replica
// under its master, cascades as deeper levels, drawn as a tidy tree.
// Pure, so it is unit-tested.

export interface Placed {
  name: string;
  /** Column, in slots (a parent sits centred over its children). */
  x: number;
  /** Level: 0 for masters, 1 for their replicas, and so on. */
  depth: number;
}

export interface Layout {
  placed: Map<string, Placed>;
  /** Number of leaf slots across. */
  width: number;
  /** Number of levels. */
  depth: number;
}

/**
 * Lays out `nodes` (in creation order) as a forest. A node whose master is
 * missing, or which sits in a replication cycle (A replicates B replicates
 * A, which Redis allows for a while), is drawn as a root. The trees go side
 * by side, wrapping onto a new band of levels when the next one would make
 * the band wider than `maxCols` slots (29 lone masters make rows of cards
 * that stay readable, not one row of 29); a single tree wider than that
 * keeps its band to itself.
 */
export function treeLayout(nodes: { name: string; master: string | null }[], maxCols = Infinity): Layout {
  const names = new Set(nodes.map((n) => n.name));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const n of nodes) {
    if (n.master !== null && names.has(n.master) && !inCycle(n.name, nodes)) {
      const list = children.get(n.master) ?? [];
      list.push(n.name);
      children.set(n.master, list);
    } else {
      roots.push(n.name);
    }
  }
  const placed = new Map<string, Placed>();
  let bandX = 0;
  let bandTop = 0;
  let bandLevels = 0;
  let width = 0;
  for (const r of roots) {
    const tree = placeTree(r, children);
    if (bandX > 0 && bandX + tree.width > maxCols) {
      bandTop += bandLevels;
      bandX = 0;
      bandLevels = 0;
    }
    for (const p of tree.placed) placed.set(p.name, { name: p.name, x: p.x + bandX, depth: p.depth + bandTop });
    bandX += tree.width;
    bandLevels = Math.max(bandLevels, tree.depth);
    width = Math.max(width, bandX);
  }
  return { placed, width: Math.max(width, 1), depth: Math.max(bandTop + bandLevels, 1) };
}

/** One tree, a parent centred over its children, from column 0 and level 0. */
function placeTree(root: string, children: Map<string, string[]>): { placed: Placed[]; width: number; depth: number } {
  const placed: Placed[] = [];
  let next = 0;
  let maxDepth = 0;
  const place = (name: string, depth: number): number => {
    maxDepth = Math.max(maxDepth, depth);
    const kids = children.get(name) ?? [];
    let x: number;
    if (kids.length === 0) {
      x = next++;
    } else {
      const xs = kids.map((k) => place(k, depth + 1));
      x = (xs[0] + xs[xs.length - 1]) / 2;
    }
    placed.push({ name, x, depth });
    return x;
  };
  place(root, 0);
  return { placed, width: next, depth: maxDepth + 1 };
}

/** True when following masters from `name` comes back to `name`. */
function inCycle(name: string, nodes: { name: string; master: string | null }[]): boolean {
  const masterOf = new Map(nodes.map((n) => [n.name, n.master]));
  let cur = masterOf.get(name) ?? null;
  for (let i = 0; i < nodes.length && cur !== null; i++) {
    if (cur === name) return true;
    cur = masterOf.get(cur) ?? null;
  }
  return false;
}
