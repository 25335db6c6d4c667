// The keyboard help: a modal dialog written from the key table (keys.ts), scope by scope, with a
// legend of what the rows draw (the hatching after the cut, the flags), so that nothing the
// colours say is said by colour alone. `?` or the toolbar's button opens and closes it; Escape
// closes it; the focus goes back where it was.
import { append, el } from './dom';
import { actionOfEvent, keyHelpSections, titleWithKey } from './keys';

export interface KeyboardHelp {
  readonly element: HTMLDialogElement;
  isOpen(): boolean;
  /** Opens the dialog (focus on its close button) or, when open, closes it. */
  toggle(): void;
  close(): void;
}

/** What the rows draw and what it means, each with its mark as the rows show it. */
function marksLegend(): HTMLElement {
  const dl = el('dl', 'tl-help-keys tl-help-marks');
  const mark = (node: HTMLElement, text: string): void => {
    const dt = el('dt');
    dt.appendChild(node);
    append(dl, dt, el('dd', undefined, text));
  };
  const hatch = el('span', 'tl-swatch tl-swatch-after');
  hatch.setAttribute('aria-hidden', 'true');
  const hatchTerm = append(el('span', 'tl-mark-term'), hatch, document.createTextNode(' hatched'));
  mark(hatchTerm, 'Work after the cut: the front door had given up, nobody waited for it');
  mark(el('span', 'tl-flag flag-fault', '5xx'), 'A fault: the call or segment failed (5xx)');
  mark(el('span', 'tl-flag flag-throttle', '429'), 'Throttled (429)');
  mark(el('span', 'tl-flag flag-error', '4xx'), 'A client error (4xx) on a call');
  mark(el('span', 'tl-flag flag-error', 'error'), 'The function threw');
  mark(el('span', 'tl-flag flag-in-progress', '…'), 'In progress: no end time yet');
  return dl;
}

export function buildKeyboardHelp(onClose: () => void): KeyboardHelp {
  const dialog = el('dialog', 'tl-help');
  dialog.id = 'tl-help';
  const title = el('h2', 'tl-h2', 'Keyboard help');
  title.id = 'tl-help-title';
  dialog.setAttribute('aria-labelledby', title.id);
  const close = el('button', 'tl-button tl-help-close', 'Close');
  close.type = 'button';
  close.title = titleWithKey('closeHelp');
  const top = append(el('div', 'tl-help-top'), title, close);
  const body = el('div', 'tl-help-body');
  for (const s of keyHelpSections()) {
    const section = el('section', 'tl-help-section');
    const h = el('h3', 'tl-h3', s.title);
    h.id = `tl-help-${s.scope}`;
    section.setAttribute('aria-labelledby', h.id);
    const dl = el('dl', 'tl-help-keys');
    for (const line of s.lines) {
      const dt = el('dt');
      line.keys.forEach((k, i) => {
        if (i > 0) dt.append(' or ');
        dt.appendChild(el('kbd', undefined, k));
      });
      append(dl, dt, el('dd', undefined, line.help));
    }
    body.appendChild(append(section, h, dl));
  }
  const marks = el('section', 'tl-help-section');
  const mh = el('h3', 'tl-h3', 'What the rows show');
  mh.id = 'tl-help-marks';
  marks.setAttribute('aria-labelledby', mh.id);
  body.appendChild(append(marks, mh, marksLegend()));
  const pointer = el('p', 'tl-muted', 'With a pointer: drag the time axis to pan, Ctrl+wheel to zoom, double-click the axis to fit.');
  append(dialog, top, body, pointer);

  let returnTo: HTMLElement | null = null;
  const api: KeyboardHelp = {
    element: dialog,
    isOpen: () => dialog.open,
    toggle: () => {
      if (dialog.open) {
        api.close();
        return;
      }
      const active = document.activeElement;
      returnTo = active instanceof HTMLElement && active !== document.body ? active : null;
      dialog.showModal();
      close.focus();
    },
    close: () => {
      if (!dialog.open) return;
      dialog.close();
    },
  };
  close.addEventListener('click', () => api.close());
  dialog.addEventListener('keydown', (e) => {
    if (actionOfEvent('help', e) !== 'closeHelp') return;
    e.preventDefault();
    api.close();
  });
  // However it closed (Escape, the button, `?`), the focus goes back where it was.
  dialog.addEventListener('close', () => {
    const to = returnTo;
    returnTo = null;
    if (to?.isConnected) to.focus();
    onClose();
  });
  return api;
}
