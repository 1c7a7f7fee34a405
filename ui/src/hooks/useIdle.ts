//! Calls `onIdle` after `minutes` without a key press or mouse/touch activity in the window.

import { useEffect, useRef } from "react";

const ACTIVITY = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

export function useIdle(minutes: number, onIdle: () => void, enabled = true): void {
  const callback = useRef(onIdle);
  useEffect(() => {
    callback.current = onIdle;
  });
  useEffect(() => {
    if (!enabled || !(minutes > 0)) return;
    const ms = minutes * 60_000;
    let timer = window.setTimeout(() => callback.current(), ms);
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => callback.current(), ms);
    };
    ACTIVITY.forEach((ev) => window.addEventListener(ev, reset, { passive: true }));
    return () => {
      window.clearTimeout(timer);
      ACTIVITY.forEach((ev) => window.removeEventListener(ev, reset));
    };
  }, [minutes, enabled]);
}
