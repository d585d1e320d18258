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
 * A, which Redis allows for a while), is drawn as a root.
 */
export function treeLayout(nodes: { name: string; master: string | null }[]): Layout {
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
    placed.set(name, { name, x, depth });
    return x;
  };
  for (const r of roots) place(r, 0);
  return { placed, width: Math.max(next, 1), depth: maxDepth + 1 };
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
