// The space page's three.js view, shaped like the three.js examples: init(), animate(), onWindowResize().
// Your own figure is followed by a third-person camera.
import * as THREE from "three";

/**
 * @typedef {object} View
 * @property {THREE.WebGLRenderer} renderer
 * @property {THREE.Scene} scene
 * @property {THREE.PerspectiveCamera} camera
 * @property {THREE.Group} world  the current space's ground, portals and buildings
 */

const FRAMES_KEPT = 600;

/**
 * ENU metres (x east, y north, z up) → three.js (y up, -z north).
 * @param {number} x
 * @param {number} y
 */
export const toThree = (x, y, z = 0) => new THREE.Vector3(x, z, -y);

/**
 * Creates the renderer (its canvas first in the page), the sky, the lights and the camera.
 * @returns {View}
 */
export function init() {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
  renderer.setSize(innerWidth, innerHeight);
  document.body.prepend(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x9cc6e8);
  const camera = new THREE.PerspectiveCamera(60, innerWidth / innerHeight, 0.1, 5000);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x556070, 1.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.4);
  sun.position.set(-300, 500, 200);
  scene.add(sun);
  const world = new THREE.Group();
  scene.add(world);
  const view = { renderer, scene, camera, world };
  addEventListener("resize", () => onWindowResize(view));
  return view;
}

/** @param {View} view */
export function onWindowResize({ camera, renderer }) {
  camera.aspect = innerWidth / innerHeight;
  camera.updateProjectionMatrix();
  renderer.setSize(innerWidth, innerHeight);
}

/**
 * Puts `figure` where `self` is and eases the camera to 9 m behind and 5 m above it, looking at head height.
 * @param {View} view
 * @param {THREE.Object3D} figure
 * @param {import("../app/state.js").Self} self
 * @param {number} dt  seconds since the last frame
 */
export function follow({ camera }, figure, self, dt) {
  figure.position.copy(toThree(self.x, self.y, self.z));
  figure.rotation.y = self.heading - Math.PI / 2;
  const behind = toThree(self.x - Math.cos(self.heading) * 9, self.y - Math.sin(self.heading) * 9, self.z + 5);
  camera.position.lerp(behind, Math.min(1, dt * 4));
  camera.lookAt(toThree(self.x, self.y, self.z + 1.5));
}

/**
 * Every animation frame, runs `update(dt)` (seconds since the last frame, at most 0.1) and renders. Returns the
 * frame-time percentiles over the last 600 frames, for the benchmark.
 * @param {View} view
 * @param {(dt: number) => void} update
 * @returns {() => { frames: number, p50_ms: number, p99_ms: number }}
 */
export function animate({ renderer, scene, camera }, update) {
  const frameTimes = new Float32Array(FRAMES_KEPT);
  let frameCount = 0;
  let last = performance.now();
  /** @param {number} now */
  function frame(now) {
    frameTimes[frameCount++ % frameTimes.length] = now - last;
    const dt = Math.min(0.1, (now - last) / 1000);
    last = now;
    update(dt);
    renderer.render(scene, camera);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  return () => {
    const n = Math.min(frameCount, frameTimes.length);
    const sorted = Array.from(frameTimes.subarray(0, n)).sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)] || 0;
    return { frames: n, p50_ms: at(0.5), p99_ms: at(0.99) };
  };
}
