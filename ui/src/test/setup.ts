import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

// CI shares two cores with the Rust build and the E2E app: a screen that takes
// over a second to settle is slow, not wrong, so findBy waits up to 5 s.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});
