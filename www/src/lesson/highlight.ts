// `show:` targets → the page elements to point at. Each target names a
// part of the page by the data attributes and slots the panels already
// have, so no panel needs to know about lessons.

/** CSS selectors for one `show:` target. */
export function selectorsFor(target: string): string[] {
  const [kind, a, b] = target.split(/\s+/);
  switch (kind) {
    case 'node': return [`#topology-slot [data-node="${a}"]`];
    case 'link': return [`#topology-slot [data-link="${a}-${b}"]`, `#topology-slot [data-link="${b}-${a}"]`];
    case 'backlog':
    case 'buffer': return ['#buffers-slot'];
    case 'phases':
    case 'psync': return ['#phases-slot'];
    case 'console': return ['#console-slot'];
    default: return [];
  }
}

const CLASS = 'lesson-highlight';

/** Marks the elements of `targets`, unmarking the rest. */
export function highlight(targets: string[]): void {
  const wanted = new Set<Element>();
  for (const t of targets) {
    for (const s of selectorsFor(t)) document.querySelectorAll(s).forEach((e) => wanted.add(e));
  }
  document.querySelectorAll(`.${CLASS}`).forEach((e) => { if (!wanted.has(e)) e.classList.remove(CLASS); });
  wanted.forEach((e) => e.classList.add(CLASS));
}
