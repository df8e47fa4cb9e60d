import NIOCore
import WorldModel

/// Byte layout of the snapshot payload, shared by the tick's fast writer and the decoder.
///
/// Header (33 bytes): tick u32, ackSeq u32, flags u8, self x/y/z f32, self heading f32,
/// leave count u16, enter count u16, update count u16. Then the leaves (id u32 each),
/// the enters and the updates.
public enum SnapshotLayout {
    public static let headerBytes = 33
    /// id, mask, x, y, z, heading, animation.
    public static let updateBytesMax = 14
    /// Bytes of an enter record without its name bytes.
    public static let enterFixedBytes = 27

    /// Writes the header with the record counts.
    public static func writeHeader(
        into buffer: inout ByteBuffer, tick: UInt32, ackSeq: UInt32, flags: UInt8, selfX: Float, selfY: Float,
        selfZ: Float, selfHeading: Float, leaves: Int, enters: Int, updates: Int
    ) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: headerBytes) { raw in
            raw.storeBytes(of: tick.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: ackSeq.littleEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: flags, toByteOffset: 8, as: UInt8.self)
            raw.storeBytes(of: selfX.bitPattern.littleEndian, toByteOffset: 9, as: UInt32.self)
            raw.storeBytes(of: selfY.bitPattern.littleEndian, toByteOffset: 13, as: UInt32.self)
            raw.storeBytes(of: selfZ.bitPattern.littleEndian, toByteOffset: 17, as: UInt32.self)
            raw.storeBytes(of: selfHeading.bitPattern.littleEndian, toByteOffset: 21, as: UInt32.self)
            raw.storeBytes(of: UInt16(leaves).littleEndian, toByteOffset: 25, as: UInt16.self)
            raw.storeBytes(of: UInt16(enters).littleEndian, toByteOffset: 27, as: UInt16.self)
            raw.storeBytes(of: UInt16(updates).littleEndian, toByteOffset: 29, as: UInt16.self)
            raw.storeBytes(of: UInt16(0), toByteOffset: 31, as: UInt16.self)
            return headerBytes
        }
    }

    /// Patches the three counts of a header written at `headerIndex`.
    public static func setCounts(in buffer: inout ByteBuffer, headerIndex: Int, leaves: Int, enters: Int, updates: Int)
    {
        buffer.setInteger(UInt16(leaves), at: headerIndex + 25, endianness: .little)
        buffer.setInteger(UInt16(enters), at: headerIndex + 27, endianness: .little)
        buffer.setInteger(UInt16(updates), at: headerIndex + 29, endianness: .little)
    }

    @inline(__always)
    public static func writeLeave(_ id: UInt32, into buffer: inout ByteBuffer) {
        buffer.writeInteger(id, endianness: .little)
    }

    /// Writes one update record in a single bulk write; fields absent from `mask` are skipped.
    @inline(__always)
    public static func writeUpdate(_ u: EntityUpdate, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: updateBytesMax) { raw in
            raw.storeBytes(of: u.id.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: u.mask, toByteOffset: 4, as: UInt8.self)
            var offset = 5
            if u.mask & EntityUpdate.maskPosition != 0 {
                raw.storeBytes(of: u.x.littleEndian, toByteOffset: offset, as: UInt16.self)
                raw.storeBytes(of: u.y.littleEndian, toByteOffset: offset + 2, as: UInt16.self)
                raw.storeBytes(of: u.z.littleEndian, toByteOffset: offset + 4, as: UInt16.self)
                offset += 6
            }
            if u.mask & EntityUpdate.maskHeading != 0 {
                raw.storeBytes(of: u.heading.littleEndian, toByteOffset: offset, as: UInt16.self)
                offset += 2
            }
            if u.mask & EntityUpdate.maskAnimation != 0 {
                raw.storeBytes(of: u.animation, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
            return offset
        }
    }

    /// Stores the update record for an entity whose quantised state went from `old` to `new`
    /// at `to` (at least `updateBytesMax` writable bytes); returns the bytes written.
    @inline(__always)
    public static func storeUpdate(id: UInt32, old: EntityState, new: EntityState, to raw: UnsafeMutableRawPointer)
        -> Int
    {
        var mask: UInt8 = 0
        if old.x != new.x || old.y != new.y || old.z != new.z { mask |= EntityUpdate.maskPosition }
        if old.heading != new.heading { mask |= EntityUpdate.maskHeading }
        if old.animation != new.animation { mask |= EntityUpdate.maskAnimation }
        raw.storeBytes(of: id.littleEndian, toByteOffset: 0, as: UInt32.self)
        raw.storeBytes(of: mask, toByteOffset: 4, as: UInt8.self)
        var offset = 5
        if mask & EntityUpdate.maskPosition != 0 {
            raw.storeBytes(of: new.x.littleEndian, toByteOffset: offset, as: UInt16.self)
            raw.storeBytes(of: new.y.littleEndian, toByteOffset: offset + 2, as: UInt16.self)
            raw.storeBytes(of: new.z.littleEndian, toByteOffset: offset + 4, as: UInt16.self)
            offset += 6
        }
        if mask & EntityUpdate.maskHeading != 0 {
            raw.storeBytes(of: new.heading.littleEndian, toByteOffset: offset, as: UInt16.self)
            offset += 2
        }
        if mask & EntityUpdate.maskAnimation != 0 {
            raw.storeBytes(of: new.animation, toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
        return offset
    }

    /// Writes one enter record: id, flags, x, y, z, heading, animation, appearance (11 bytes), name,
    /// and with `flagVisitor` the home city's name.
    public static func writeEnter(_ e: EntityEnter, into buffer: inout ByteBuffer) {
        writeEnter(
            id: e.id, flags: e.flags, x: e.x, y: e.y, z: e.z, heading: e.heading, animation: e.animation,
            appearance: e.appearance, nameUTF8: Array(e.name.utf8Prefix(WireFormat.nameBytesMax)),
            homeUTF8: Array(e.home.utf8Prefix(WireFormat.nameBytesMax)), into: &buffer)
    }

    /// The fast form for the tick: the names are already UTF-8 and at most `nameBytesMax` bytes.
    public static func writeEnter(
        id: UInt32, flags: UInt8, x: UInt16, y: UInt16, z: UInt16, heading: UInt16, animation: UInt8,
        appearance a: Appearance, nameUTF8: [UInt8], homeUTF8: [UInt8] = [], into buffer: inout ByteBuffer
    ) {
        precondition(nameUTF8.count <= WireFormat.nameBytesMax && homeUTF8.count <= WireFormat.nameBytesMax)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: enterFixedBytes) { raw in
            raw.storeBytes(of: id.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: flags, toByteOffset: 4, as: UInt8.self)
            raw.storeBytes(of: x.littleEndian, toByteOffset: 5, as: UInt16.self)
            raw.storeBytes(of: y.littleEndian, toByteOffset: 7, as: UInt16.self)
            raw.storeBytes(of: z.littleEndian, toByteOffset: 9, as: UInt16.self)
            raw.storeBytes(of: heading.littleEndian, toByteOffset: 11, as: UInt16.self)
            raw.storeBytes(of: animation, toByteOffset: 13, as: UInt8.self)
            raw.storeBytes(of: a.bodyShape.rawValue, toByteOffset: 14, as: UInt8.self)
            var offset = 15
            for colour in [a.skinColor, a.primaryColor, a.secondaryColor] {
                raw.storeBytes(of: UInt8(colour & 0xFF), toByteOffset: offset, as: UInt8.self)
                raw.storeBytes(of: UInt8((colour >> 8) & 0xFF), toByteOffset: offset + 1, as: UInt8.self)
                raw.storeBytes(of: UInt8((colour >> 16) & 0xFF), toByteOffset: offset + 2, as: UInt8.self)
                offset += 3
            }
            raw.storeBytes(of: a.accessory.rawValue, toByteOffset: 24, as: UInt8.self)
            raw.storeBytes(of: UInt8(nameUTF8.count), toByteOffset: 25, as: UInt8.self)
            return 26
        }
        buffer.writeBytes(nameUTF8)
        if flags & EntityEnter.flagVisitor != 0 {
            buffer.writeInteger(UInt8(homeUTF8.count))
            buffer.writeBytes(homeUTF8)
        }
    }

    /// Reads only the header of a snapshot payload: what a load tool needs, without the records.
    public static func peekHeader(_ payload: ByteBuffer) -> (
        tick: UInt32, ackSeq: UInt32, flags: UInt8, selfX: Float, selfY: Float
    )? {
        guard payload.readableBytes >= headerBytes,
            let tick = payload.getInteger(at: payload.readerIndex, endianness: .little, as: UInt32.self),
            let ack = payload.getInteger(at: payload.readerIndex + 4, endianness: .little, as: UInt32.self),
            let flags = payload.getInteger(at: payload.readerIndex + 8, as: UInt8.self),
            let x = payload.getInteger(at: payload.readerIndex + 9, endianness: .little, as: UInt32.self),
            let y = payload.getInteger(at: payload.readerIndex + 13, endianness: .little, as: UInt32.self)
        else { return nil }
        return (tick, ack, flags, Float(bitPattern: x), Float(bitPattern: y))
    }

    /// Decodes a snapshot payload.
    public static func read(_ p: inout ByteBuffer) throws(WireError) -> Snapshot {
        let tick = try p.readLE(UInt32.self, "snapshot.tick")
        let ack = try p.readLE(UInt32.self, "snapshot.ackSeq")
        let flags = try p.readLE(UInt8.self, "snapshot.flags")
        let sx = try p.readF32("snapshot.selfX")
        let sy = try p.readF32("snapshot.selfY")
        let sz = try p.readF32("snapshot.selfZ")
        let sh = try p.readF32("snapshot.selfHeading")
        let leaveCount = Int(try p.readLE(UInt16.self, "snapshot.leaveCount"))
        let enterCount = Int(try p.readLE(UInt16.self, "snapshot.enterCount"))
        let updateCount = Int(try p.readLE(UInt16.self, "snapshot.updateCount"))
        _ = try p.readLE(UInt16.self, "snapshot.reserved")
        // Each record needs at least 4 bytes: refuse counts the payload cannot hold before allocating.
        guard (leaveCount + enterCount + updateCount) * 4 <= p.readableBytes else {
            throw WireError(.truncated, field: "snapshot", reason: "counts exceed the payload")
        }
        var snapshot = Snapshot(tick: tick, ackSeq: ack, flags: flags, selfX: sx, selfY: sy, selfZ: sz, selfHeading: sh)
        snapshot.leaves.reserveCapacity(leaveCount)
        for _ in 0..<leaveCount { snapshot.leaves.append(try p.readLE(UInt32.self, "snapshot.leave")) }
        for _ in 0..<enterCount {
            let id = try p.readLE(UInt32.self, "enter.id")
            let eflags = try p.readLE(UInt8.self, "enter.flags")
            let x = try p.readLE(UInt16.self, "enter.x")
            let y = try p.readLE(UInt16.self, "enter.y")
            let z = try p.readLE(UInt16.self, "enter.z")
            let heading = try p.readLE(UInt16.self, "enter.heading")
            let animation = try p.readLE(UInt8.self, "enter.animation")
            let appearance = try p.readAppearance("enter.appearance")
            let name = try p.readShortString("enter.name", bytesMax: WireFormat.nameBytesMax)
            let home =
                eflags & EntityEnter.flagVisitor != 0
                ? try p.readShortString("enter.home", bytesMax: WireFormat.nameBytesMax) : ""
            snapshot.enters.append(
                EntityEnter(
                    id: id, flags: eflags, x: x, y: y, z: z, heading: heading, animation: animation,
                    appearance: appearance, name: name, home: home))
        }
        for _ in 0..<updateCount {
            var u = EntityUpdate(
                id: try p.readLE(UInt32.self, "update.id"), mask: try p.readLE(UInt8.self, "update.mask"))
            if u.mask & EntityUpdate.maskPosition != 0 {
                u.x = try p.readLE(UInt16.self, "update.x")
                u.y = try p.readLE(UInt16.self, "update.y")
                u.z = try p.readLE(UInt16.self, "update.z")
            }
            if u.mask & EntityUpdate.maskHeading != 0 { u.heading = try p.readLE(UInt16.self, "update.heading") }
            if u.mask & EntityUpdate.maskAnimation != 0 { u.animation = try p.readLE(UInt8.self, "update.animation") }
            snapshot.updates.append(u)
        }
        return snapshot
    }
}
