// A space's own world: the ground, a ring at each portal, and its buildings — the imported GLB where the space has
// one (roofs coloured by the sun where it has a solar analysis), else its obstacles extruded.
import * as THREE from "three";
import { download } from "../net/download.js";
import { parseGLB } from "./glb.js";
import { toThree } from "./scene.js";
import { colourRoofsBySun } from "./solar.js";

/** The buildings' colour (a proposal's roof tints start from it). */
export const BUILDING_COLOUR = 0xd8c7a4;

/**
 * Draws space `id` ("region/name") into `view.world` unless it is drawn already, and records its title and
 * portals in `state`. Resolves to the space as the API describes it, or null when it was drawn already.
 * `onProgress` follows the buildings' download; `onSolar` gets the roofs' colouring when it is done.
 * @param {import("../app/state.js").SpaceState} state
 * @param {import("./scene.js").View} view
 * @param {string} id
 * @param {{ onProgress: (percent: number | null) => void,
 *   onSolar: (summary: import("../app/state.js").SolarSummary) => void }} hooks
 */
export async function buildSpace(state, { world }, id, { onProgress, onSolar }) {
  if (state.built === id) return null;
  state.built = id;
  world.clear();
  const [region, name] = id.split("/");
  const space = await (await fetch(`/api/v1/spaces/${region}/${name}`)).json();
  state.spaceTitle = space.name?.[document.documentElement.lang] || space.name?.en || id;
  state.portals = space.portals;
  state.portalSent = false;
  for (const p of state.portals) {
    const ring = new THREE.Mesh(new THREE.TorusGeometry(p.radius, 0.12, 8, 32),
      new THREE.MeshStandardMaterial({ color: 0x7fd1ff, emissive: 0x1d6fa5 }));
    ring.rotation.x = Math.PI / 2;
    ring.position.copy(toThree(p.position[0], p.position[1], 0.05));
    world.add(ring);
  }
  const b = space.bounds;
  const ground = new THREE.Mesh(new THREE.PlaneGeometry(b.maxX - b.minX, b.maxY - b.minY),
    new THREE.MeshStandardMaterial({ color: space.kind === "indoor" ? 0xd9d2c5 : 0x7d8a74 }));
  ground.rotation.x = -Math.PI / 2;
  ground.position.copy(toThree((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2, -0.01));
  world.add(ground);
  const material = new THREE.MeshStandardMaterial({ color: BUILDING_COLOUR, roughness: 0.85 });
  const glb = space.assets.includes("buildings.glb")
    ? await fetch(`/api/v1/spaces/${region}/${name}/assets/buildings.glb`) : null;
  if (glb?.ok) {
    const buildings = parseGLB(await download(glb, onProgress), material);
    world.add(buildings);
    if (space.solar) {
      colourRoofsBySun(region, name, buildings, BUILDING_COLOUR).then((summary) => { if (summary) onSolar(summary); });
    }
  } else {
    for (const ring of space.obstacles) {
      const shape = new THREE.Shape(ring.map(([x, y]) => new THREE.Vector2(x, y)));
      const mesh = new THREE.Mesh(new THREE.ExtrudeGeometry(shape, { depth: space.kind === "indoor" ? 4 : 12, bevelEnabled: false }), material);
      mesh.rotation.x = -Math.PI / 2;  // shape x,y (east, north) → three x, -z; extrusion goes up
      world.add(mesh);
    }
  }
  return space;
}
