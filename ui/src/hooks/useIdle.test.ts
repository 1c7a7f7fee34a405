import { fireEvent, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { useIdle } from "./useIdle";

describe("useIdle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("fires after the idle minutes, and activity restarts the count", () => {
    const onIdle = vi.fn();
    renderHook(() => useIdle(1, onIdle));
    vi.advanceTimersByTime(50_000);
    fireEvent.keyDown(window, { key: "a" });
    vi.advanceTimersByTime(50_000);
    fireEvent.mouseMove(window);
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  test("does nothing while disabled", () => {
    const onIdle = vi.fn();
    renderHook(() => useIdle(1, onIdle, false));
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
