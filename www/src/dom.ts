// DOM helpers. Text always goes in as text nodes (textContent): keys,
// values, node names, scripts and replies come from users, and nothing a
// user typed may ever be parsed as HTML.

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | number | boolean>;
  on?: Partial<Record<keyof HTMLElementEventMap, (e: Event) => void>>;
}

function apply(node: Element, props: Props | undefined, children: Child[]): void {
  if (props?.class) node.setAttribute('class', props.class);
  if (props?.title !== undefined) node.setAttribute('title', props.title);
  for (const [k, v] of Object.entries(props?.attrs ?? {})) {
    if (v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [ev, fn] of Object.entries(props?.on ?? {})) {
    if (fn) node.addEventListener(ev, fn as EventListener);
  }
  if (props?.text !== undefined) node.textContent = props.text;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** An HTML element. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, props?: Props, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, props, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element; `text` becomes a text node (for <text> and <title>). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K, props?: Props, ...children: Child[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, props, children);
  return node;
}

/** Replaces all children of `node`. */
export function replace(node: Element, ...children: Child[]): void {
  node.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}
