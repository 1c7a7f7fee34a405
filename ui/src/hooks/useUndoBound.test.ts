import { fireEvent, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { dropUndoSteps, useUndoBound } from "./useUndoBound";

const frames = () => document.querySelectorAll("iframe").length;

describe("useUndoBound", () => {
  let box: HTMLInputElement;
  beforeEach(() => {
    vi.useFakeTimers();
    box = document.createElement("input");
    document.body.appendChild(box);
  });
  afterEach(() => {
    box.remove();
    vi.useRealTimers();
  });

  test("a hidden frame is loaded and removed again", () => {
    dropUndoSteps();
    const frame = document.querySelector("iframe")!;
    expect(frame.style.display).toBe("none");
    expect(frame.getAttribute("src")).toBe("about:blank");
    vi.advanceTimersByTime(100);
    expect(frames()).toBe(0);
  });

  test("drops the undo steps after every N edits, once typing pauses", () => {
    renderHook(() => useUndoBound(3, 1000));
    fireEvent.input(box);
    fireEvent.input(box);
    vi.advanceTimersByTime(5000);
    expect(frames()).toBe(0); // 2 edits: kept
    fireEvent.input(box);
    vi.advanceTimersByTime(500);
    fireEvent.input(box); // still typing: waits for the pause
    vi.advanceTimersByTime(999);
    expect(frames()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(frames()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(frames()).toBe(0);
    fireEvent.input(box); // counting starts again
    vi.advanceTimersByTime(5000);
    expect(frames()).toBe(0);
  });

  test("typing that never pauses still has its undo steps dropped, at twice the edits", () => {
    renderHook(() => useUndoBound(3, 1000));
    for (let i = 0; i < 5; i++) {
      fireEvent.input(box);
      vi.advanceTimersByTime(500);
    }
    expect(frames()).toBe(0);
    fireEvent.input(box); // the 6th edit, no pause yet
    vi.advanceTimersByTime(0);
    expect(frames()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(frames()).toBe(0);
  });

  test("an input method's text being composed is not counted", () => {
    renderHook(() => useUndoBound(2, 10));
    box.dispatchEvent(new InputEvent("input", { bubbles: true, isComposing: true }));
    box.dispatchEvent(new InputEvent("input", { bubbles: true, isComposing: true }));
    vi.advanceTimersByTime(1000);
    expect(frames()).toBe(0);
  });
});
