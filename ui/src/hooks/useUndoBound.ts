//! Bounds what WebKit keeps of the typing (issue 19). WebKitGTK keeps every edit made in a text
//! field as an undo step, in the web process and in the app's, for as long as the page lives: it
//! drops them only when a frame of the page loads. Each step holds the edited box and what React
//! hung on it, so a counter's searches grew the app by 16–45 MB per 1,000 and never gave it back
//! (`scripts/app-memory-growth.py`). After every `every` edits, once typing pauses for `pauseMs`
//! (at the latest after twice as many edits), a hidden about:blank frame is loaded and removed, which makes WebKit drop the page's undo
//! steps. Ctrl+Z in a box then has nothing older than that to take back.

import { useEffect } from "react";

export const UNDO_EDITS = 100;

/** Makes WebKit drop the page's undo steps: a frame's load clears them (`FrameLoader`). */
export function dropUndoSteps(doc: Document = document): void {
  const frame = doc.createElement("iframe");
  frame.setAttribute("aria-hidden", "true");
  frame.tabIndex = -1;
  frame.style.display = "none";
  frame.src = "about:blank";
  doc.body.appendChild(frame);
  window.setTimeout(() => {
    try {
      frame.contentWindow?.location.replace("about:blank");
    } catch {
      // the frame is already gone: its first load was enough
    }
    window.setTimeout(() => frame.remove(), 50);
  }, 50);
}

export function useUndoBound(every = UNDO_EDITS, pauseMs = 1000): void {
  useEffect(() => {
    let edits = 0;
    let timer: number | undefined;
    const onInput = (e: Event) => {
      if ((e as InputEvent).isComposing) return; // a Chinese input method's text is not in yet
      edits++;
      if (edits < every) return;
      window.clearTimeout(timer);
      // At a pause in the typing, or at once when it goes on without one (twice the edits).
      timer = window.setTimeout(() => {
        edits = 0;
        dropUndoSteps();
      }, edits >= 2 * every ? 0 : pauseMs);
    };
    window.addEventListener("input", onInput, true);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener("input", onInput, true);
    };
  }, [every, pauseMs]);
}
