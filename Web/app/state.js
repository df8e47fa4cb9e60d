// The space page's state in one object: created here, passed to every module that reads or changes it.

/**
 * Your own avatar as this browser predicts it, in the space's ENU frame: metres (x east, y north, z up) and the
 * heading in radians counter-clockwise from east. The server's snapshots correct it.
 * @typedef {{ x: number, y: number, z: number, heading: number, joined: boolean }} Self
 */
/** @typedef {{ id: string, position: number[], radius: number }} Portal */
/** @typedef {{ coloured: number, year: number, open: number }} SolarSummary */
/**
 * @typedef {object} SpaceState
 * @property {string} spaceId  the space you are in, or are about to join
 * @property {string} spaceTitle  its name in the page's language
 * @property {string | null} built  the space whose world is drawn
 * @property {Portal[]} portals  the drawn space's portals
 * @property {boolean} portalSent  you walked into a portal: no other until the next space
 * @property {Self} self
 * @property {{ x: number, y: number }} authority  where the server's latest snapshot put you
 * @property {import("../net/protocol.js").Joined | null} joined  the server's latest `joined`
 * @property {SolarSummary | null} solar  the roofs coloured by the sun, when the space has an analysis
 * @property {{ x: number, y: number } | null} clickTarget  where a click or tap asked to walk
 * @property {Set<string>} keys  the keys held down (KeyboardEvent.code)
 * @property {{ active: boolean, x: number, y: number, ox: number, oy: number }} stick  the touch joystick: its
 *   origin in pixels and its deflection, -1…1 on each axis
 * @property {number} moveSeq  the last `move` sent
 * @property {number} sinceMoveS  seconds since then
 */

/**
 * The state at page load, before joining `spaceId`.
 * @param {string} spaceId
 * @returns {SpaceState}
 */
export function createState(spaceId) {
  return {
    spaceId, spaceTitle: "", built: null, portals: [], portalSent: false,
    self: { x: 0, y: 0, z: 0, heading: 0, joined: false }, authority: { x: 0, y: 0 },
    joined: null, solar: null,
    clickTarget: null, keys: new Set(), stick: { active: false, x: 0, y: 0, ox: 0, oy: 0 },
    moveSeq: 0, sinceMoveS: 0,
  };
}

/**
 * The first of `wanted` that is a space of `world` (the API's /api/v1/world), else the world's first space: a page
 * of another city's server, or an address naming a space that is gone, still opens somewhere.
 * @param {{ regions: { spaces: { id: string }[] }[] }} world
 * @param {...(string | null | undefined)} wanted
 * @returns {string}
 */
export function startingSpace(world, ...wanted) {
  const ids = world.regions.flatMap((r) => r.spaces.map((s) => s.id));
  return wanted.find((id) => id && ids.includes(id)) ?? ids[0] ?? wanted.find(Boolean) ?? "";
}
