/// Maps positions in a space to 16-bit integers and back (Gaffer on Games: quantise to the bounds).
///
/// The quantum is 1 cm for spaces up to 655 m across and grows with larger spaces so that the
/// whole extent fits in 0...65535.
public struct Quantizer: Hashable, Sendable {
    public var originX: Float
    public var originY: Float
    public var originZ: Float
    /// Metres per unit.
    public var quantumM: Float

    public init(originX: Float, originY: Float, originZ: Float, quantumM: Float) {
        self.originX = originX
        self.originY = originY
        self.originZ = originZ
        self.quantumM = quantumM
    }

    /// The quantizer for a box of the given extent (metres).
    public init(minX: Double, minY: Double, minZ: Double, extentM: Double) {
        let raw = max(0.01, extentM / 65535)
        let quantum = (raw * 1000).rounded(.up) / 1000
        self.init(originX: Float(minX), originY: Float(minY), originZ: Float(minZ), quantumM: Float(quantum))
    }

    @inline(__always)
    public func quantize(_ value: Float, origin: Float) -> UInt16 {
        let units = ((value - origin) / quantumM).rounded()
        return UInt16(max(0, min(65535, units)))
    }

    @inline(__always)
    public func x(_ value: Float) -> UInt16 { quantize(value, origin: originX) }
    @inline(__always)
    public func y(_ value: Float) -> UInt16 { quantize(value, origin: originY) }
    @inline(__always)
    public func z(_ value: Float) -> UInt16 { quantize(value, origin: originZ) }

    public func position(x: UInt16, y: UInt16, z: UInt16) -> (x: Float, y: Float, z: Float) {
        (
            originX + Float(x) * quantumM,
            originY + Float(y) * quantumM,
            originZ + Float(z) * quantumM
        )
    }

    /// Heading in radians (any value) to 1/65536 of a turn.
    @inline(__always)
    public static func heading(_ radians: Float) -> UInt16 {
        let turns = radians / (2 * .pi)
        let fraction = turns - turns.rounded(.down)
        return UInt16(truncatingIfNeeded: Int((fraction * 65536).rounded()) & 0xFFFF)
    }

    public static func radians(_ heading: UInt16) -> Float {
        Float(heading) / 65536 * 2 * .pi
    }
}

/// The quantised state of an avatar as it goes on the wire.
public struct EntityState: Equatable, Sendable {
    public var x: UInt16
    public var y: UInt16
    public var z: UInt16
    public var heading: UInt16
    public var animation: UInt8

    public init(x: UInt16, y: UInt16, z: UInt16, heading: UInt16, animation: UInt8) {
        self.x = x
        self.y = y
        self.z = z
        self.heading = heading
        self.animation = animation
    }
}
