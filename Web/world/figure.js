// A persona's figure from its appearance: body, head and accessory, shared by the preview and the space.
import * as THREE from "three";

const SHAPES = { slim: [0.8, 1.0], regular: [1, 1], broad: [1.3, 1.0], small: [0.9, 0.8] };
const BODY_NAMES = ["slim", "regular", "broad", "small"];
const ACCESSORY_NAMES = ["none", "hat", "glasses", "scarf", "backpack", "headphones"];

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
  }
  return group;
}
