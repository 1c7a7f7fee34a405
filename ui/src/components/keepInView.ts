//! Focus always in view: the focused field — with its label and the error beside it — is kept
//! wholly inside the part of the window that nothing covers, between the status bar / outage
//! banner above and the function-key bar below (inside a dialog: the window). The browser's own
//! scrolling on focus knows nothing of those bars; this runs after it, on every focus change,
//! whenever an error (`role="alert"`) appears, when the page's content changes under the focus
//! (a result growing above it), and when the window is resized. It scrolls only when the focus
//! is not already wholly in view. The E2E test that
//! checks every step measures against the same band (`visibleBand`).

import { useEffect } from "react";

/** Room kept between the focused box and the edge of the band, in px. */
const MARGIN = 6;

/** The bars above the screen's scrolling area and the key bar below it. */
const TOP_BARS = ".status-bar, .outage-banner, .no-outage";
const BOTTOM_BAR = ".fkey-bar";

/** The strip of the window where a focused `el` can be seen, in viewport px. */
export function visibleBand(el: Element): { top: number; bottom: number } {
  if (el.closest(".overlay")) return { top: 0, bottom: window.innerHeight };
  let top = 0;
  for (const bar of document.querySelectorAll(TOP_BARS)) {
    const r = bar.getBoundingClientRect();
    if (r.height > 0 && r.top < window.innerHeight / 2) top = Math.max(top, r.bottom);
  }
  const keyBar = document.querySelector(BOTTOM_BAR);
  const kr = keyBar?.getBoundingClientRect();
  const bottom = kr && kr.height > 0 ? Math.min(kr.top, window.innerHeight) : window.innerHeight;
  return { top, bottom };
}

function scrollable(el: Element): boolean {
  const style = getComputedStyle(el);
  return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight;
}

/** What must be seen with `el`: its field (label, hint, error) when that fits, else `el`. */
function boxOf(el: Element, band: { top: number; bottom: number }): DOMRect {
  const own = el.getBoundingClientRect();
  const field = el.closest(".field, .keep-with-focus");
  if (!field) return own;
  const r = field.getBoundingClientRect();
  return r.height <= band.bottom - band.top - 2 * MARGIN ? r : own;
}

/** Scrolls the containers of `el` (nearest first) until its box is inside the band. */
export function keepInView(el: Element | null): void {
  if (!el || !(el instanceof HTMLElement) || el === document.body) return;
  const band = visibleBand(el);
  const box = boxOf(el, band);
  let delta = 0;
  if (box.bottom + MARGIN > band.bottom) delta = box.bottom + MARGIN - band.bottom;
  if (box.top - delta - MARGIN < band.top) delta = box.top - MARGIN - band.top; // the top wins
  for (let p = el.parentElement; p && Math.abs(delta) >= 1; p = p.parentElement) {
    if (!scrollable(p)) continue;
    const before = p.scrollTop;
    p.scrollTop = before + delta;
    delta -= p.scrollTop - before;
  }
}

/** Keeps the focus (and any error that appears) in view for the life of the component. */
export function useKeepFocusInView(): void {
  useEffect(() => {
    // After the browser's own scroll-on-focus and after React has painted what the focus
    // change brought (an error, a panel).
    const later = (f: () => void) => requestAnimationFrame(() => f());
    const onFocus = (e: FocusEvent) => later(() => keepInView(e.target as Element));
    const onResize = () => later(() => keepInView(document.activeElement));
    // Something above the focus grew after it got the focus (a print status, a result): the
    // focus is kept in view once the DOM settles for the frame.
    let queued = false;
    const recheck = () => {
      if (queued) return;
      queued = true;
      later(() => {
        queued = false;
        keepInView(document.activeElement);
      });
    };
    const alerts = new MutationObserver((records) => {
      recheck();
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (!(n instanceof Element)) continue;
          const alert = n.matches('[role="alert"]') ? n : n.querySelector('[role="alert"]');
          if (!alert) continue;
          // The error is beside the focused field: keeping the field in view shows both; an
          // error elsewhere (a form's foot) is brought into view itself.
          later(() => {
            const active = document.activeElement;
            const field = active?.closest(".field, .keep-with-focus");
            keepInView(field?.contains(alert) ? active : alert);
          });
        }
      }
    });
    document.addEventListener("focusin", onFocus);
    window.addEventListener("resize", onResize);
    alerts.observe(document.body, { childList: true, subtree: true });
    return () => {
      document.removeEventListener("focusin", onFocus);
      window.removeEventListener("resize", onResize);
      alerts.disconnect();
    };
  }, []);
}
