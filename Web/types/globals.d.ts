// Browser globals the type checker does not know.

interface Performance {
  /** Chromium only: the JS heap, read by the frame benchmark. */
  memory?: { usedJSHeapSize: number };
}

interface Window {
  /** The space page's handles for the browser tests and the benchmark (app/space.js). */
  bitgoeul?: Record<string, unknown>;
}

/** The parts of WebXR the on-site page uses (ui/camera.js); TypeScript's DOM library has none of it. */
interface XRSystemLike {
  isSessionSupported(mode: string): Promise<boolean>;
  requestSession(mode: string, init?: Record<string, unknown>): Promise<XRSessionLike>;
}

interface XRSessionLike extends EventTarget {
  renderState: { baseLayer?: { framebuffer: WebGLFramebuffer | null } };
  updateRenderState(state: { baseLayer?: unknown }): void;
  requestAnimationFrame(callback: (time: number, frame: unknown) => void): number;
  end(): Promise<void>;
}

interface Navigator {
  /** WebXR, where the browser has it. */
  xr?: XRSystemLike;
}

interface Window {
  /** WebXR's layer constructor, where the browser has it. */
  XRWebGLLayer?: new (session: XRSessionLike, context: WebGLRenderingContext) => unknown;
}
