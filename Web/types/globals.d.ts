// Browser globals the type checker does not know.

interface Performance {
  /** Chromium only: the JS heap, read by the frame benchmark. */
  memory?: { usedJSHeapSize: number };
}

interface Window {
  /** The space page's handles for the browser tests and the benchmark (app/space.js). */
  bitgoeul?: Record<string, unknown>;
}
