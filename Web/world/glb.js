// Reads the GLB files Bitgoeul writes (float32 POSITION/NORMAL, uint16/uint32 indices, accessors
// with byte offsets into shared views) into three.js meshes, one per building, named by its id.
import * as THREE from "three";

const COMPONENTS = { 5123: Uint16Array, 5125: Uint32Array, 5126: Float32Array };
const SIZES = { SCALAR: 1, VEC3: 3 };

export function parseGLB(buffer, material) {
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== 0x46546c67) throw new Error("not a GLB file");
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 20, jsonLength)));
  const binStart = 20 + jsonLength + 8;
  const group = new THREE.Group();
  const accessor = (index) => {
    const a = json.accessors[index];
    const v = json.bufferViews[a.bufferView];
    const Type = COMPONENTS[a.componentType];
    return new Type(buffer, binStart + (v.byteOffset || 0) + (a.byteOffset || 0), a.count * SIZES[a.type]);
  };
  for (const node of json.nodes || []) {
    const primitive = json.meshes[node.mesh].primitives[0];
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(accessor(primitive.attributes.POSITION), 3));
    geometry.setAttribute("normal", new THREE.BufferAttribute(accessor(primitive.attributes.NORMAL), 3));
    geometry.setIndex(new THREE.BufferAttribute(accessor(primitive.indices), 1));
    const mesh = new THREE.Mesh(geometry, material);
    mesh.name = node.name;
    mesh.userData = node.extras || {};
    group.add(mesh);
  }
  return group;
}
