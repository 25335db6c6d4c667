// Tiny DOM helpers. Text goes in with textContent only: every string of a trace or a log is
// data, never markup, so nothing here ever touches innerHTML.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Appends children, skipping null/undefined, and returns the parent. */
export function append<T extends Node>(parent: T, ...kids: Array<Node | null | undefined>): T {
  for (const k of kids) if (k) parent.appendChild(k);
  return parent;
}

/** A button that looks like a link, for actions inside text (never an <a href> built from data). */
export function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'tl-link', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

export function button(text: string, title: string, onClick: () => void, className = 'tl-button'): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  b.title = title;
  b.setAttribute('aria-label', title);
  b.addEventListener('click', onClick);
  return b;
}
