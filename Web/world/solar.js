// Roofs coloured by their annual solar irradiation, when the space has a solar analysis (docs/solar.md).
import * as THREE from "three";

const SOLAR_COLOURS = { excellent: 0xd7301f, good: 0xfc8d59, fair: 0xfdcc8a, poor: 0x6b7b8f };

/**
 * Colours the roof faces of each building in `buildings` (meshes named by building id) by its class; walls keep
 * `wallColour`. Resolves to what was coloured, or null when the space has no analysis.
 * @param {string} region
 * @param {string} name
 * @param {THREE.Group} buildings
 * @param {number} wallColour
 * @returns {Promise<import("../app/state.js").SolarSummary | null>}
 */
export async function colourRoofsBySun(region, name, buildings, wallColour) {
  const res = await fetch(`/api/v1/spaces/${region}/${name}/solar`);
  if (!res.ok) return null;
  const solar = await res.json();
  const byId = new Map(solar.buildings.map((b) => [b.id, b]));
  // Only roof faces (normals pointing up) take the class colour; walls keep the building colour.
  const painted = new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.85 });
  const wall = new THREE.Color(wallColour);
  let coloured = 0;
  for (const child of buildings.children) {
    const mesh = /** @type {THREE.Mesh} */ (child);
    const b = byId.get(mesh.name);
    if (!b) continue;
    const roof = new THREE.Color(SOLAR_COLOURS[b.class] ?? wallColour);
    const normals = mesh.geometry.getAttribute("normal");
    const colours = new Float32Array(normals.count * 3);
    for (let i = 0; i < normals.count; i++) {
      const c = normals.getY(i) > 0.5 ? roof : wall;
      colours.set([c.r, c.g, c.b], i * 3);
    }
    mesh.geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
    mesh.material = painted;
    mesh.userData.solar = b;
    coloured += 1;
  }
  return { coloured, year: solar.year, open: solar.openHorizontalKWhPerM2 };
}
