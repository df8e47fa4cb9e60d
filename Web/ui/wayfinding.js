// Wayfinding to a mission's next checkpoint, as the player sees it (docs/missions.md, §2): which space of the world
// holds its mirror, how far it is ("35 m", "1.2 km", the units from the locale files), and which way: the on-site
// arrow turned by the bearing the server gives and the phone's compass, the online words ("ahead on the left") from
// the avatar's heading. Pure functions: no DOM, no requests.
import { t } from "./i18n.js";

/** Where a target is from where one faces, in eighths of a turn from behind (left side first); `dir_<name>` strings. */
export const DIRECTIONS = ["behind", "behindLeft", "left", "aheadLeft", "ahead", "aheadRight", "right", "behindRight"];

/**
 * A distance for people: "35 m" below a kilometre, "1.2 km" below ten, "12 km" beyond (`distanceM`, `distanceKm`).
 * @param {number} metres
 */
export function formatDistance(metres) {
  if (!Number.isFinite(metres) || metres < 0) return "";
  const m = Math.round(metres);
  if (m < 1000) return t("distanceM", { m });
  const km = metres / 1000;
  return t("distanceKm", { km: km < 9.95 ? km.toFixed(1) : String(Math.round(km)) });
}

/** @param {number} degrees @returns {number} the same direction in [0, 360) */
export function normalizeDegrees(degrees) {
  const d = degrees % 360;
  const r = d < 0 ? d + 360 : d;
  return r >= 360 ? 0 : r + 0;  // + 0 turns -0 into 0
}

/**
 * How far to turn the on-screen arrow (clockwise degrees from the screen's up): the bearing to the target minus the
 * heading the phone points at. Without a compass (`headingDeg` null) the arrow points relative to north.
 * @param {number} bearingDeg  clockwise from north
 * @param {number | null} headingDeg  clockwise from north
 */
export function arrowRotation(bearingDeg, headingDeg) {
  return normalizeDegrees(bearingDeg - (headingDeg ?? 0));
}

/**
 * The compass heading (degrees clockwise from north) a DeviceOrientation event gives, or null when it gives none:
 * iOS's `webkitCompassHeading`, else an absolute event's angles. Held flat, the heading is where the top of the
 * screen points (turned by the screen's orientation); held upright, where the rear camera looks.
 * @param {{ alpha?: number | null, beta?: number | null, gamma?: number | null, absolute?: boolean,
 *   webkitCompassHeading?: number }} event
 * @param {number} [screenAngle]  screen.orientation.angle
 * @returns {number | null}
 */
export function compassHeading(event, screenAngle = 0) {
  if (typeof event.webkitCompassHeading === "number" && Number.isFinite(event.webkitCompassHeading)) {
    return normalizeDegrees(event.webkitCompassHeading + screenAngle);
  }
  if (!event.absolute || typeof event.alpha !== "number" || !Number.isFinite(event.alpha)) return null;
  const rad = Math.PI / 180;
  const [a, b, g] = [event.alpha * rad, (event.beta ?? 0) * rad, (event.gamma ?? 0) * rad];
  // The device's axes in the earth frame (x east, y north, z up), R = Rz(alpha) Rx(beta) Ry(gamma).
  const topE = -Math.sin(a) * Math.cos(b);
  const topN = Math.cos(a) * Math.cos(b);
  const backE = -Math.cos(a) * Math.sin(g) - Math.sin(a) * Math.sin(b) * Math.cos(g);
  const backN = -Math.sin(a) * Math.sin(g) + Math.cos(a) * Math.sin(b) * Math.cos(g);
  const deg = (e, n) => normalizeDegrees(Math.atan2(e, n) / rad);
  if (Math.hypot(topE, topN) >= Math.hypot(backE, backN)) return normalizeDegrees(deg(topE, topN) + screenAngle);
  return deg(backE, backN);
}

/**
 * The bearing of an ENU offset (x east, y north) in degrees clockwise from +y, as the online verdict gives it.
 * @param {number} dx
 * @param {number} dy
 */
export function enuBearing(dx, dy) {
  return normalizeDegrees(Math.atan2(dx, dy) * 180 / Math.PI);
}

/**
 * Whether a checkpoint's mirror space is the space `spaceId` ("region/name"); a mission file may name the space
 * without its region ("acc-plaza").
 * @param {string} mirrorSpace
 * @param {string} spaceId
 */
export function sameSpace(mirrorSpace, spaceId) {
  if (!mirrorSpace || !spaceId) return false;
  if (mirrorSpace.includes("/")) return mirrorSpace === spaceId;
  return spaceId.slice(spaceId.indexOf("/") + 1) === mirrorSpace;
}

/**
 * Which way an ENU offset (x east, y north) is from an avatar facing `heading` (radians counter-clockwise from east,
 * as the space's state keeps it): one of DIRECTIONS.
 * @param {number} dx
 * @param {number} dy
 * @param {number} heading
 */
export function directionFrom(dx, dy, heading) {
  const facing = 90 - heading * 180 / Math.PI;  // degrees clockwise from north
  const turn = enuBearing(dx, dy) - facing;
  const side = Math.round((((turn % 360) + 540) % 360 - 180) / 45);  // -4 (behind, turning left) … 4 (behind)
  return DIRECTIONS[(side + 4) % 8];
}

/**
 * The world's space a checkpoint's mirror names (a mission file may leave its region out), or null when the world
 * has none such.
 * @template {{ id: string }} S
 * @param {string | undefined} mirrorSpace
 * @param {{ regions: { spaces: S[] }[] }} world
 * @returns {S | null}
 */
export function mirrorSpaceIn(mirrorSpace, world) {
  if (!mirrorSpace) return null;
  for (const region of world.regions) {
    const found = region.spaces.find((s) => sameSpace(mirrorSpace, s.id));
    if (found) return found;
  }
  return null;
}
