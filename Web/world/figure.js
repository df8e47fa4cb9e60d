// A persona's figure from its appearance: body, head and accessory, shared by the preview and the space. The medal
// and the lanyard are missions' rewards.
import * as THREE from "three";

const SHAPES = { slim: [0.8, 1.0], regular: [1, 1], broad: [1.3, 1.0], small: [0.9, 0.8] };
const BODY_NAMES = ["slim", "regular", "broad", "small"];
/** By wire number, as ACCESSORY in net/protocol.js. */
export const ACCESSORY_NAMES = ["none", "hat", "glasses", "scarf", "backpack", "headphones", "medal", "lanyard"];

/**
 * A thin flat strap from `from` to `to` (three.js coordinates), its face turned forward.
 * @param {THREE.Vector3} from
 * @param {THREE.Vector3} to
 * @param {number} width
 * @param {THREE.Material} material
 */
function strap(from, to, width, material) {
  const length = Math.hypot(to.x - from.x, to.y - from.y, to.z - from.z);
  const mesh = new THREE.Mesh(new THREE.BoxGeometry(width, 0.012, length), material);
  mesh.position.set((from.x + to.x) / 2, (from.y + to.y) / 2, (from.z + to.z) / 2);
  mesh.lookAt(to);
  return mesh;
}

/** `appearance` uses names (API JSON) or numbers (wire); colours as "#rrggbb" or 0xRRGGBB. */
export function figure(appearance) {
  const shape = typeof appearance.bodyShape === "number" ? BODY_NAMES[appearance.bodyShape] : appearance.bodyShape;
  const accessory = typeof appearance.accessory === "number" ? ACCESSORY_NAMES[appearance.accessory] : appearance.accessory;
  const [width, height] = SHAPES[shape] || SHAPES.regular;
  const colour = (c) => new THREE.Color(typeof c === "number" ? c : c || "#888888");
  const group = new THREE.Group();
  const body = new THREE.Mesh(new THREE.CapsuleGeometry(0.26 * width, 0.75 * height, 4, 12),
    new THREE.MeshStandardMaterial({ color: colour(appearance.primaryColor), roughness: 0.7 }));
  const half = (0.75 * height + 0.52 * width) / 2;
  body.position.y = 0.45 * height + half;
  const legs = new THREE.Mesh(new THREE.CylinderGeometry(0.2 * width, 0.16 * width, 0.5 * height, 12),
    new THREE.MeshStandardMaterial({ color: colour(appearance.secondaryColor) }));
  legs.position.y = 0.25 * height;
  const head = new THREE.Mesh(new THREE.SphereGeometry(0.2, 16, 12),
    new THREE.MeshStandardMaterial({ color: colour(appearance.skinColor) }));
  head.position.y = body.position.y + half + 0.17;
  group.add(legs, body, head);
  const dark = new THREE.MeshStandardMaterial({ color: 0x222222 });
  if (accessory === "hat") {
    const hat = new THREE.Mesh(new THREE.CylinderGeometry(0.16, 0.24, 0.18, 16), dark);
    hat.position.y = head.position.y + 0.2;
    group.add(hat);
  } else if (accessory === "glasses") {
    const glasses = new THREE.Mesh(new THREE.BoxGeometry(0.3, 0.06, 0.05), dark);
    glasses.position.set(0, head.position.y + 0.03, 0.19);
    group.add(glasses);
  } else if (accessory === "scarf") {
    const scarf = new THREE.Mesh(new THREE.TorusGeometry(0.17, 0.05, 8, 20), new THREE.MeshStandardMaterial({ color: 0xc0392b }));
    scarf.rotation.x = Math.PI / 2;
    scarf.position.y = head.position.y - 0.2;
    group.add(scarf);
  } else if (accessory === "backpack") {
    const pack = new THREE.Mesh(new THREE.BoxGeometry(0.35 * width, 0.45, 0.18), dark);
    pack.position.set(0, body.position.y + 0.1, -0.28 * width);
    group.add(pack);
  } else if (accessory === "headphones") {
    const band = new THREE.Mesh(new THREE.TorusGeometry(0.21, 0.03, 8, 20, Math.PI), dark);
    band.position.y = head.position.y;
    group.add(band);
  } else if (accessory === "medal" || accessory === "lanyard") {
    // The front of the figure is +z. The capsule's top cap has the body's radius; straps run from the neck over it.
    const r = 0.26 * width;
    const top = body.position.y + half;
    const neck = top - 0.05;
    const surface = (y) => Math.sqrt(Math.max(0, r * r - Math.max(0, y - (top - r)) ** 2));
    if (accessory === "medal") {
      const ribbon = new THREE.MeshStandardMaterial({ color: 0x1f4fa8, roughness: 0.8 });
      const disc = new THREE.Mesh(new THREE.CylinderGeometry(0.075, 0.075, 0.02, 24),
        new THREE.MeshStandardMaterial({ color: 0xffcc33, emissive: 0x6a4a00, metalness: 0.25, roughness: 0.35 }));
      const y = top - r - 0.12;
      disc.rotation.x = Math.PI / 2;
      disc.position.set(0, y, r + 0.025);
      const bend = top - r * 0.55;
      for (const side of [-1, 1]) {
        const start = new THREE.Vector3(side * 0.09, neck, surface(neck) * 0.8 + 0.02);
        const middle = new THREE.Vector3(side * 0.045, bend, surface(bend) + 0.02);
        const end = new THREE.Vector3(side * 0.012, y + 0.07, r + 0.02);
        group.add(strap(start, middle, 0.045, ribbon), strap(middle, end, 0.045, ribbon));
      }
      group.add(disc);
    } else {
      const cord = new THREE.MeshStandardMaterial({ color: 0x1d8f6a, roughness: 0.8 });
      const loop = new THREE.Mesh(new THREE.TorusGeometry(0.15, 0.012, 6, 24), cord);
      loop.rotation.x = Math.PI / 2;
      loop.position.y = neck + 0.02;
      const y = top - r - 0.22;
      const bend = top - r * 0.5;
      for (const side of [-1, 1]) {
        const start = new THREE.Vector3(side * 0.11, neck + 0.02, 0.1);
        const middle = new THREE.Vector3(side * 0.06, bend, surface(bend) + 0.015);
        const end = new THREE.Vector3(side * 0.02, y + 0.08, r + 0.015);
        group.add(strap(start, middle, 0.025, cord), strap(middle, end, 0.025, cord));
      }
      const card = new THREE.Mesh(new THREE.BoxGeometry(0.12, 0.16, 0.012), new THREE.MeshStandardMaterial({ color: 0xf4f1e8 }));
      card.position.set(0, y, r + 0.02);
      const band = new THREE.Mesh(new THREE.BoxGeometry(0.12, 0.035, 0.014), cord);
      band.position.set(0, y + 0.06, r + 0.021);
      group.add(loop, card, band);
    }
  }
  return group;
}
