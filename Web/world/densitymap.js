// A crowd scenario's density map as pixels (docs/planning.md, "Effects"): the peak density each cell reached over the
// run, today and with the plan, one unsigned byte a cell in units of 0.05 persons/m² (capped at 255), row-major from
// the south-west; coloured by Fruin's levels of service for walkways, clear where no one was.
// Pure: no three.js, so the tests run it without a browser.

/** Persons/m² a byte counts. */
export const DENSITY_UNIT = 0.05;
/**
 * Fruin's levels of service for walkways: each level up to (not including) its limit in persons/m², F without one;
 * its colour (A blue … F red, as the live crowd overlay of world/crowd.js draws them) and opacity here.
 * @type {{ level: string, below: number, rgb: number[], alpha: number }[]}
 */
export const FRUIN_LEVELS = [
  { level: "A", below: 0.31, rgb: [44, 123, 182], alpha: 120 },
  { level: "B", below: 0.43, rgb: [127, 191, 223], alpha: 135 },
  { level: "C", below: 0.72, rgb: [199, 233, 160], alpha: 150 },
  { level: "D", below: 1.08, rgb: [255, 224, 138], alpha: 170 },
  { level: "E", below: 2.17, rgb: [253, 174, 97], alpha: 190 },
  { level: "F", below: Infinity, rgb: [215, 25, 28], alpha: 210 },
];

/**
 * The peak densities of `cols` × `rows` cells (in units of 0.05 persons/m²) from their base64.
 * @param {string} base64
 * @param {number} cols
 * @param {number} rows
 * @returns {Uint8Array}
 */
export function decodeDensity(base64, cols, rows) {
  const binary = atob(base64);
  if (binary.length !== cols * rows) throw new Error(`density grid: ${binary.length} cells, not ${cols} × ${rows}`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Persons/m² of a cell's byte. @param {number} byte */
export const personsPerM2 = (byte) => byte * DENSITY_UNIT;

/**
 * The index in FRUIN_LEVELS of a density; -1 for no one.
 * @param {number} density  persons/m²
 */
export function levelIndex(density) {
  if (!(density > 0)) return -1;
  return FRUIN_LEVELS.findIndex((l) => density < l.below);
}

/** The index of each of the 256 bytes' level, worked out once. */
const BYTE_LEVELS = Int8Array.from({ length: 256 }, (_, b) => levelIndex(personsPerM2(b)));

/**
 * RGBA pixels for the grid, row 0 the south edge (as a three.js DataTexture on a ground plane shows it).
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
export function densityPixels(bytes) {
  const pixels = new Uint8Array(bytes.length * 4);
  for (let i = 0; i < bytes.length; i++) {
    const level = BYTE_LEVELS[bytes[i]];
    if (level < 0) continue;
    const { rgb, alpha } = FRUIN_LEVELS[level];
    pixels.set([rgb[0], rgb[1], rgb[2], alpha], i * 4);
  }
  return pixels;
}

/**
 * How many cells reached each level (A…F), a check on the figures.
 * @param {Uint8Array} bytes
 * @returns {Record<string, number>}
 */
export function levelCounts(bytes) {
  const counts = Object.fromEntries(FRUIN_LEVELS.map((l) => [l.level, 0]));
  for (const b of bytes) if (b) counts[FRUIN_LEVELS[BYTE_LEVELS[b]].level] += 1;
  return counts;
}

/** A level's colour for CSS. @param {{ rgb: number[] }} level */
export const cssColour = ({ rgb }) => `rgb(${rgb.join(" ")})`;
