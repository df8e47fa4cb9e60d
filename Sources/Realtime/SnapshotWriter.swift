import Dispatch
import NIOCore
import Wire
import WorldModel

/// Writes and delivers the per-client frames for a range of members: `joined` if new, the
/// snapshot, then the events queued this tick.
///
/// Each worker owns its scratch buffers and writes only to the members of its range, so the
/// snapshot phase can run on several cores with no locks: everything else it reads (grid,
/// quantised states, other members' ids, names and looks) is not written during the phase.
struct SnapshotWriter {
    let spaceId: String
    let quantizer: Quantizer
    let config: RealtimeConfig
    let allocator = ByteBufferAllocator()
    private var nearSlots: [Int32] = []
    private var nearScratch: [UInt64] = []
    private var newSeen: [Member.Seen] = []
    private var leaveIds: [UInt32] = []
    private var enterIndices: [Int32] = []
    private var updateBytes: [UInt8] = []
    private var updateBytesWritten = 0
    private var updateCount = 0
    private(set) var bytesSent = 0
    private(set) var framesDropped = 0
    /// Metres added to last tick's cut-off: two runners closing in for one tick, with burst, and some.
    let hintMarginM: Float

    init(spaceId: String, quantizer: Quantizer, config: RealtimeConfig) {
        self.spaceId = spaceId
        self.quantizer = quantizer
        self.config = config
        self.hintMarginM =
            2 * config.runSpeedMps * config.speedTolerance * max(config.moveBurstS, config.tickDurationS) + 1
    }

    mutating func resetCounters() {
        bytesSent = 0
        framesDropped = 0
    }

    mutating func write(
        range: Range<Int>, members: UnsafeMutableBufferPointer<Member>, ids: UnsafeBufferPointer<UInt32>,
        states: UnsafeBufferPointer<EntityState>, grid: AOIGrid, tick: UInt32
    ) {
        for i in range where !members[i].simulated {
            // Interest: the nearest `aoiMax` within the radius, in slot order, which is id order.
            // Last tick's cut-off grown by how far two avatars can close in one tick keeps the search small.
            members[i].aoiCutoffM = grid.nearest(
                x: members[i].x, y: members[i].y, radius: config.aoiRadiusM,
                hint: members[i].aoiCutoffM + hintMarginM, max: config.aoiMax, excluding: Int32(i),
                into: &nearSlots, scratch: &nearScratch)
            newSeen.removeAll(keepingCapacity: true)
            if members[i].rules.hidden.isEmpty {
                for slot in nearSlots {
                    newSeen.append(Member.Seen(id: ids[Int(slot)], slot: slot, state: states[Int(slot)]))
                }
            } else {
                // Blocked either way: never sent.
                let hidden = members[i].rules.hidden
                for slot in nearSlots where !hidden.contains(members[Int(slot)].party) {
                    newSeen.append(Member.Seen(id: ids[Int(slot)], slot: slot, state: states[Int(slot)]))
                }
            }
            let reset = members[i].needsReset
            if reset { members[i].seen.removeAll(keepingCapacity: true) }
            diff(old: members[i].seen)

            var frame = allocator.buffer(capacity: estimateBytes(events: members[i].events.readableBytes))
            if members[i].pendingJoined { writeJoined(members[i], into: &frame) }
            writeSnapshot(i, members: members, reset: reset, tick: tick, into: &frame)
            if members[i].events.readableBytes > 0 {
                frame.writeBuffer(&members[i].events)
                members[i].events.clear()
            }
            if members[i].eventsDropped > 0 {
                ServerMessage.error(
                    code: .rateLimited, message: "\(members[i].eventsDropped) events dropped: too many in one tick"
                ).encode(into: &frame)
                members[i].eventsDropped = 0
            }
            let bytes = frame.readableBytes
            if members[i].link.deliver(frame) {
                bytesSent += bytes
                members[i].pendingJoined = false
                members[i].needsReset = false
                swap(&members[i].seen, &newSeen)
            } else {
                // The client is behind: next time it gets everything afresh instead of a delta.
                framesDropped += 1
                members[i].needsReset = true
            }
        }
    }

    /// Fills `leaveIds`, `enterIndices` and the update records from the id-sorted old and new sets.
    private mutating func diff(old: [Member.Seen]) {
        leaveIds.removeAll(keepingCapacity: true)
        enterIndices.removeAll(keepingCapacity: true)
        let needed = newSeen.count * SnapshotLayout.updateBytesMax
        if updateBytes.count < needed { updateBytes = [UInt8](repeating: 0, count: needed) }
        var written = 0
        var count = 0
        var leaves = leaveIds
        var enters = enterIndices
        leaveIds = []
        enterIndices = []
        updateBytes.withUnsafeMutableBytes { raw in
            newSeen.withUnsafeBufferPointer { new in
                old.withUnsafeBufferPointer { old in
                    var a = 0
                    var b = 0
                    while a < old.count || b < new.count {
                        if b == new.count || (a < old.count && old[a].id < new[b].id) {
                            leaves.append(old[a].id)
                            a += 1
                        } else if a == old.count || new[b].id < old[a].id {
                            enters.append(Int32(b))
                            b += 1
                        } else {
                            if old[a].state != new[b].state {
                                written += SnapshotLayout.storeUpdate(
                                    id: new[b].id, old: old[a].state, new: new[b].state, to: raw.baseAddress! + written)
                                count += 1
                            }
                            a += 1
                            b += 1
                        }
                    }
                }
            }
        }
        leaveIds = leaves
        enterIndices = enters
        updateBytesWritten = written
        updateCount = count
    }

    private func estimateBytes(events: Int) -> Int {
        WireFormat.messageHeaderBytes * 2 + SnapshotLayout.headerBytes + 64 + leaveIds.count * 4
            + enterIndices.count * (SnapshotLayout.enterFixedBytes + 24) + updateBytesWritten + events
    }

    private func writeJoined(_ m: Member, into frame: inout ByteBuffer) {
        ServerMessage.joined(
            JoinedInfo(
                space: spaceId, entityId: m.id, quantizer: quantizer, x: m.x, y: m.y, z: m.z, heading: m.heading,
                aoiRadiusM: config.aoiRadiusM, aoiMax: UInt16(config.aoiMax))
        ).encode(into: &frame)
    }

    private func writeSnapshot(
        _ i: Int, members: UnsafeMutableBufferPointer<Member>, reset: Bool, tick: UInt32, into frame: inout ByteBuffer
    ) {
        frame.writeInteger(MessageType.snapshot.rawValue)
        let lengthIndex = frame.writerIndex
        frame.writeInteger(UInt16(0), endianness: .little)
        let start = frame.writerIndex
        var flags: UInt8 = reset ? Snapshot.flagReset : 0
        if members[i].clamped { flags |= Snapshot.flagCorrected }
        SnapshotLayout.writeHeader(
            into: &frame, tick: tick, ackSeq: members[i].ackSeq, flags: flags, selfX: members[i].x,
            selfY: members[i].y, selfZ: members[i].z, selfHeading: members[i].heading, leaves: leaveIds.count,
            enters: enterIndices.count, updates: updateCount)
        for id in leaveIds { SnapshotLayout.writeLeave(id, into: &frame) }
        for index in enterIndices {
            let seen = newSeen[Int(index)]
            let slot = Int(seen.slot)
            SnapshotLayout.writeEnter(
                id: seen.id, flags: members[slot].flags, x: seen.state.x, y: seen.state.y, z: seen.state.z,
                heading: seen.state.heading, animation: seen.state.animation, appearance: members[slot].appearance,
                nameUTF8: members[slot].nameUTF8, homeUTF8: members[slot].homeUTF8, into: &frame)
        }
        _ = updateBytes.withUnsafeBytes {
            frame.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<updateBytesWritten]))
        }
        frame.setInteger(UInt16(frame.writerIndex - start), at: lengthIndex, endianness: .little)
    }
}

extension SpaceInstance {
    /// Runs the snapshot phase, split over `config.tickWorkers` cores when the space is busy.
    func sendSnapshots() {
        let count = members.count
        let workers = count >= 512 ? min(config.tickWorkers, writers.count) : 1
        let grid = self.grid
        let tick = tickNumber
        var writers = self.writers
        self.writers = []
        qstates.withUnsafeBufferPointer { states in
            ids.withUnsafeBufferPointer { ids in
                members.withUnsafeMutableBufferPointer { members in
                    writers.withUnsafeMutableBufferPointer { writers in
                        let chunk = (count + workers - 1) / max(workers, 1)
                        if workers <= 1 {
                            writers[0].write(
                                range: 0..<count, members: members, ids: ids, states: states, grid: grid, tick: tick)
                        } else {
                            let shared = SnapshotShards(members: members, ids: ids, states: states, writers: writers)
                            DispatchQueue.concurrentPerform(iterations: workers) { w in
                                let range = min(count, w * chunk)..<min(count, (w + 1) * chunk)
                                shared.writers[w].write(
                                    range: range, members: shared.members, ids: shared.ids, states: shared.states,
                                    grid: grid, tick: tick)
                            }
                        }
                    }
                }
            }
        }
        for w in writers.indices {
            stats.bytesSent += writers[w].bytesSent
            stats.framesDropped += writers[w].framesDropped
            writers[w].resetCounters()
        }
        self.writers = writers
    }
}

/// The buffers the snapshot workers share for one phase.
///
/// Sound to send because worker `w` writes only `writers[w]` and the members of its own range;
/// what it reads of other members (id, name, look, flags) and `states` is not written meanwhile.
private struct SnapshotShards: @unchecked Sendable {
    let members: UnsafeMutableBufferPointer<Member>
    let ids: UnsafeBufferPointer<UInt32>
    let states: UnsafeBufferPointer<EntityState>
    let writers: UnsafeMutableBufferPointer<SnapshotWriter>
}
