// A proposal's added shadow as pixels (docs/planning.md, "Effects"): the grid of how many more 10-minute steps each
// cell lies in shadow on a solstice between 08:00 and 16:00, decoded from base64 and coloured from pale yellow (a few
// minutes) to dark red (4 hours or more); less shadow is blue, and cells without data (inside a building) are clear.
// Pure: no three.js, so the tests run it without a browser.

/** A cell inside a building, today or proposed. */
export const NO_DATA = -128;
/**
 * Added hours at each colour stop, and the colour.
 * @type {[number, number[]][]}
 */
const ADDED = [[0, [255, 237, 160]], [1, [254, 178, 76]], [2, [240, 59, 32]], [4, [128, 0, 38]]];
const LESS = [70, 150, 255];
/** Hours from which a colour is fully opaque. */
const FULL_H = 4;

/**
 * The signed steps of `cols` × `rows` cells from their base64.
 * @param {string} base64
 * @param {number} cols
 * @param {number} rows
 * @returns {Int8Array}
 */
export function decodeSteps(base64, cols, rows) {
  const binary = atob(base64);
  if (binary.length !== cols * rows) throw new Error(`shadow grid: ${binary.length} cells, not ${cols} × ${rows}`);
  const steps = new Int8Array(binary.length);
  for (let i = 0; i < binary.length; i++) steps[i] = (binary.charCodeAt(i) << 24) >> 24;
  return steps;
}

/**
 * The colour of `hours` more shadow on the ramp.
 * @param {number} hours  > 0
 * @returns {number[]}
 */
export function addedColour(hours) {
  const h = Math.min(hours, ADDED[ADDED.length - 1][0]);
  const upper = ADDED.findIndex(([at]) => at >= h);
  if (upper <= 0) return ADDED[0][1];
  const [a, from] = ADDED[upper - 1];
  const [b, to] = ADDED[upper];
  const f = (h - a) / (b - a);
  return from.map((c, i) => Math.round(c + (to[i] - c) * f));
}

/**
 * RGBA pixels for the grid, row 0 the south edge (as a three.js DataTexture on a ground plane shows it).
 * @param {Int8Array} steps
 * @param {number} stepMin  minutes per step
 * @returns {Uint8Array}
 */
export function shadowPixels(steps, stepMin) {
  const pixels = new Uint8Array(steps.length * 4);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s === NO_DATA || s === 0) continue;
    const hours = (Math.abs(s) * stepMin) / 60;
    const strength = Math.min(1, hours / FULL_H);
    const rgb = s > 0 ? addedColour(hours) : LESS;
    pixels.set([rgb[0], rgb[1], rgb[2], Math.round((s > 0 ? 120 : 70) + strength * 110)], i * 4);
  }
  return pixels;
}

/**
 * Counts of the cells with more shadow, less, and without data: a check on the figures.
 * @param {Int8Array} steps
 */
export function stepCounts(steps) {
  let more = 0;
  let less = 0;
  let none = 0;
  for (const s of steps) {
    if (s === NO_DATA) none += 1;
    else if (s > 0) more += 1;
    else if (s < 0) less += 1;
  }
  return { more, less, none };
}
