// The parts of three.js (r180, vendored in Web/vendor/three and mapped to "three" by each page's import map) that
// the browser code uses, for the type check in `make lint`. Hand-written: only what is used, as three.js has it.
declare module "three" {
  export const DynamicDrawUsage: number;
  export const NearestFilter: number;
  export const DoubleSide: number;
  export const SRGBColorSpace: string;

  export class Vector2 {
    constructor(x?: number, y?: number);
    x: number;
    y: number;
    set(x: number, y: number): this;
  }

  export class Vector3 {
    constructor(x?: number, y?: number, z?: number);
    x: number;
    y: number;
    z: number;
    set(x: number, y: number, z: number): this;
    copy(v: Vector3): this;
    lerp(v: Vector3, alpha: number): this;
  }

  export class Euler {
    x: number;
    y: number;
    z: number;
  }

  export class Matrix4 {
    makeRotationY(theta: number): this;
    scale(v: Vector3): this;
    setPosition(x: number, y: number, z: number): this;
  }

  export type ColorRepresentation = Color | string | number;

  export class Color {
    constructor(color?: ColorRepresentation);
    r: number;
    g: number;
    b: number;
    set(color: ColorRepresentation): this;
    setHex(hex: number): this;
  }

  export class Plane {
    constructor(normal?: Vector3, constant?: number);
  }

  export class Ray {
    intersectPlane(plane: Plane, target: Vector3): Vector3 | null;
  }

  export class Object3D {
    name: string;
    position: Vector3;
    rotation: Euler;
    scale: Vector3;
    userData: Record<string, any>;
    visible: boolean;
    renderOrder: number;
    children: Object3D[];
    add(...objects: Object3D[]): this;
    remove(...objects: Object3D[]): this;
    clear(): this;
    lookAt(target: Vector3): void;
    lookAt(x: number, y: number, z: number): void;
  }

  export class Group extends Object3D {}

  export class Scene extends Object3D {
    background: Color | Texture | null;
  }

  export class PerspectiveCamera extends Object3D {
    constructor(fov?: number, aspect?: number, near?: number, far?: number);
    aspect: number;
    updateProjectionMatrix(): void;
    lookAt(target: Vector3): void;
    lookAt(x: number, y: number, z: number): void;
  }

  export class HemisphereLight extends Object3D {
    constructor(skyColor?: ColorRepresentation, groundColor?: ColorRepresentation, intensity?: number);
  }

  export class DirectionalLight extends Object3D {
    constructor(color?: ColorRepresentation, intensity?: number);
  }

  export type TypedArray = Float32Array | Uint32Array | Uint16Array;

  export class BufferAttribute {
    constructor(array: TypedArray, itemSize: number);
    array: TypedArray;
    count: number;
    itemSize: number;
    needsUpdate: boolean;
    getX(index: number): number;
    getY(index: number): number;
    getZ(index: number): number;
    setUsage(usage: number): this;
  }

  export class BufferGeometry {
    setAttribute(name: string, attribute: BufferAttribute): this;
    getAttribute(name: string): BufferAttribute | undefined;
    deleteAttribute(name: string): this;
    setFromPoints(points: Vector3[]): this;
    setIndex(index: BufferAttribute): this;
    translate(x: number, y: number, z: number): this;
    dispose(): void;
  }

  export class BoxGeometry extends BufferGeometry {
    constructor(width?: number, height?: number, depth?: number);
  }
  export class CapsuleGeometry extends BufferGeometry {
    constructor(radius?: number, length?: number, capSegments?: number, radialSegments?: number);
  }
  export class CylinderGeometry extends BufferGeometry {
    constructor(radiusTop?: number, radiusBottom?: number, height?: number, radialSegments?: number,
      heightSegments?: number, openEnded?: boolean);
  }
  export class SphereGeometry extends BufferGeometry {
    constructor(radius?: number, widthSegments?: number, heightSegments?: number);
  }
  export class TorusGeometry extends BufferGeometry {
    constructor(radius?: number, tube?: number, radialSegments?: number, tubularSegments?: number, arc?: number);
  }
  export class PlaneGeometry extends BufferGeometry {
    constructor(width?: number, height?: number);
  }
  export class Shape {
    constructor(points?: Vector2[]);
  }
  export class ExtrudeGeometry extends BufferGeometry {
    constructor(shape: Shape, options?: { depth?: number, bevelEnabled?: boolean });
  }

  export class Texture {
    colorSpace: string;
    magFilter: number;
    needsUpdate: boolean;
    dispose(): void;
  }
  export class CanvasTexture extends Texture {
    constructor(canvas: HTMLCanvasElement);
  }
  export class DataTexture extends Texture {
    constructor(data: Uint8Array, width: number, height: number);
  }

  export interface MaterialParameters {
    color?: ColorRepresentation;
    emissive?: ColorRepresentation;
    roughness?: number;
    vertexColors?: boolean;
    transparent?: boolean;
    opacity?: number;
    side?: number;
    metalness?: number;
    depthWrite?: boolean;
    map?: Texture | null;
  }

  export class Material {
    needsUpdate: boolean;
    dispose(): void;
  }
  export class MeshStandardMaterial extends Material {
    constructor(parameters?: MaterialParameters);
    color: Color;
    emissive: Color;
    map: Texture | null;
  }
  export class MeshBasicMaterial extends Material {
    constructor(parameters?: MaterialParameters);
    color: Color;
    map: Texture | null;
  }
  export class SpriteMaterial extends Material {
    constructor(parameters?: MaterialParameters);
    map: Texture | null;
  }

  export class LineBasicMaterial extends Material {
    constructor(parameters?: MaterialParameters);
    color: Color;
  }

  export class Line<M extends Material = Material> extends Object3D {
    constructor(geometry?: BufferGeometry, material?: M);
    geometry: BufferGeometry;
    material: M;
  }
  export class LineLoop<M extends Material = Material> extends Line<M> {}
  export class LineSegments<M extends Material = Material> extends Line<M> {}
  export class EdgesGeometry extends BufferGeometry {
    constructor(geometry?: BufferGeometry, thresholdAngle?: number);
  }

  export class Mesh<M extends Material = Material> extends Object3D {
    constructor(geometry?: BufferGeometry, material?: M);
    geometry: BufferGeometry;
    material: M;
  }

  export class InstancedMesh<M extends Material = Material> extends Mesh<M> {
    constructor(geometry: BufferGeometry, material: M, count: number);
    count: number;
    instanceMatrix: BufferAttribute;
    instanceColor: BufferAttribute | null;
    setMatrixAt(index: number, matrix: Matrix4): void;
    setColorAt(index: number, color: Color): void;
  }

  export class Sprite extends Object3D {
    constructor(material?: SpriteMaterial);
    material: SpriteMaterial;
    /** The point of the sprite at its position: (0.5, 0.5) its middle, (0.5, 0) the middle of its bottom. */
    center: Vector2;
  }

  export interface Intersection {
    distance: number;
    point: Vector3;
    object: Object3D;
  }

  export class Raycaster {
    ray: Ray;
    setFromCamera(coords: Vector2, camera: PerspectiveCamera): void;
    intersectObjects(objects: Object3D[], recursive?: boolean): Intersection[];
  }

  export class WebGLRenderer {
    constructor(parameters?: { canvas?: HTMLCanvasElement, antialias?: boolean, preserveDrawingBuffer?: boolean });
    domElement: HTMLCanvasElement;
    setPixelRatio(ratio: number): void;
    setSize(width: number, height: number, updateStyle?: boolean): void;
    render(scene: Object3D, camera: PerspectiveCamera): void;
    setAnimationLoop(callback: ((time: number) => void) | null): void;
  }
}
