import Foundation
import Synchronization
import Wire

/// Where everyone in a space was at one moment; ids ascending (the members' order).
struct PositionFrame: Sendable {
    let tick: UInt32
    let ids: [UInt32]
    let xs: [Float]
    let ys: [Float]
}

/// A chat line as said in a space, kept in memory for the evidence window only.
struct ChatRecord: Sendable {
    let tick: UInt32
    let fromId: UInt32
    let name: String
    let scope: ChatScope
    let text: String
    let x: Float
    let y: Float
}

/// A space's rolling memory of the last `windowS` seconds: positions sampled once a second and
/// chat lines. Never written anywhere; it is simply overwritten unless someone files a report.
struct EvidenceBuffer {
    static let chatsMax = 4096
    let windowTicks: UInt32
    let sampleEveryTicks: UInt32
    private(set) var frames: [PositionFrame] = []
    private var frameHead = 0
    private(set) var chats: [ChatRecord] = []
    private var chatHead = 0

    init(config: RealtimeConfig) {
        windowTicks = UInt32(config.evidenceWindowS * config.tickHz)
        sampleEveryTicks = UInt32(config.tickHz)
    }

    var framesMax: Int { Int(windowTicks / sampleEveryTicks) }

    /// Keeps the positions of this tick when it is a sampling tick.
    mutating func record(tick: UInt32, ids: [UInt32], xs: [Float], ys: [Float]) {
        guard tick % sampleEveryTicks == 0, framesMax > 0 else { return }
        let frame = PositionFrame(tick: tick, ids: ids, xs: xs, ys: ys)
        if frames.count < framesMax {
            frames.append(frame)
        } else {
            frames[frameHead] = frame
            frameHead = (frameHead + 1) % framesMax
        }
    }

    mutating func record(_ chat: ChatRecord) {
        if chats.count < Self.chatsMax {
            chats.append(chat)
        } else {
            chats[chatHead] = chat
            chatHead = (chatHead + 1) % Self.chatsMax
        }
    }

    /// Holds exactly `frames` and `chats` (oldest first, within the bounds) from now on.
    mutating func replace(frames: [PositionFrame], chats: [ChatRecord]) {
        self.frames = Array(frames.suffix(framesMax))
        frameHead = 0
        self.chats = Array(chats.suffix(Self.chatsMax))
        chatHead = 0
    }

    /// What happened in the window ending at `now`, oldest first.
    func window(now: UInt32) -> (frames: [PositionFrame], chats: [ChatRecord]) {
        func recent(_ tick: UInt32) -> Bool { now &- tick < windowTicks }
        let orderedFrames = Array(frames[frameHead...] + frames[..<frameHead])
        let orderedChats = Array(chats[chatHead...] + chats[..<chatHead])
        return (orderedFrames.filter { recent($0.tick) }, orderedChats.filter { recent($0.tick) })
    }
}

/// A report's request for the space's recent events; the tick answers it once.
public final class EvidenceRequest: Sendable, Hashable {
    let reporterParty: Int64
    let targetEntity: UInt32
    private let answer: Mutex<CheckedContinuation<EvidenceWindow?, Never>?>

    /// Asks the tick of the reporter's space (through `link`) and waits for the evidence; nil when
    /// the reporter or the reported avatar is not in that space.
    public static func collect(through link: ClientLink, target: UInt32) async -> Evidence? {
        let window = await withCheckedContinuation { continuation in
            let request = EvidenceRequest(party: link.party, target: target, answer: continuation)
            link.post(system: .evidence(request))
        }
        return window?.reporterView()
    }

    private init(party: Int64, target: UInt32, answer: CheckedContinuation<EvidenceWindow?, Never>) {
        reporterParty = party
        targetEntity = target
        self.answer = Mutex(answer)
    }

    deinit {
        // A request dropped unanswered (space gone, queue full) still lets the reporter go on.
        answer.withLock { $0?.resume(returning: nil) }
    }

    func fulfil(_ evidence: EvidenceWindow?) {
        answer.withLock {
            $0?.resume(returning: evidence)
            $0 = nil
        }
    }

    public static func == (a: EvidenceRequest, b: EvidenceRequest) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// What a space's tick hands to a report: its memory of the window and who is who.
struct EvidenceWindow: Sendable {
    let space: String
    let frames: [PositionFrame]
    let chats: [ChatRecord]
    let now: UInt32
    let tickHz: Int
    let windowS: Int
    let reporterId: UInt32
    let reportedId: UInt32
    let reportedName: String
    let nearM: Float
    let proximityChatM: Float

    /// Chat lines the reporter could have received and positions within `nearM` of them.
    func reporterView() -> Evidence {
        var others: [UInt32: Int] = [:]
        func who(_ id: UInt32) -> String {
            if id == reporterId { return "reporter" }
            if id == reportedId { return "reported" }
            if let n = others[id] { return "other-\(n)" }
            others[id] = others.count + 1
            return "other-\(others.count)"
        }
        func ago(_ tick: UInt32) -> Double { Double(now &- tick) / Double(tickHz) }
        var positions: [Evidence.Position] = []
        var reporterTrack: [(tick: UInt32, x: Float, y: Float)] = []
        for frame in frames {
            guard let r = frame.ids.binarySearch(reporterId) else { continue }
            let rx = frame.xs[r]
            let ry = frame.ys[r]
            reporterTrack.append((frame.tick, rx, ry))
            for k in frame.ids.indices {
                let dx = frame.xs[k] - rx
                let dy = frame.ys[k] - ry
                guard dx * dx + dy * dy <= nearM * nearM else { continue }
                positions.append(
                    Evidence.Position(agoS: ago(frame.tick), who: who(frame.ids[k]), x: frame.xs[k], y: frame.ys[k]))
            }
        }
        var lines: [Evidence.Line] = []
        for chat in chats {
            // The reporter's place at the sample closest in time; no sample means they were not here yet.
            // Tick distances wrap: a space that came from another node has ticks from before its own 0.
            func apart(_ a: UInt32, _ b: UInt32) -> Int64 { abs(Int64(Int32(bitPattern: a &- b))) }
            guard let place = reporterTrack.min(by: { apart($0.tick, chat.tick) < apart($1.tick, chat.tick) }),
                apart(place.tick, chat.tick) <= Int64(tickHz)
            else { continue }
            if chat.scope == .proximity {
                let dx = chat.x - place.x
                let dy = chat.y - place.y
                // A second of walking either way, since positions are sampled once a second.
                let reach = proximityChatM + 4.4
                guard dx * dx + dy * dy <= reach * reach else { continue }
            }
            let role = who(chat.fromId)
            lines.append(
                Evidence.Line(
                    agoS: ago(chat.tick), who: role, name: role.hasPrefix("other") ? nil : chat.name,
                    scope: chat.scope == .space ? "space" : "proximity", text: chat.text))
        }
        return Evidence(space: space, windowS: windowS, reportedName: reportedName, chat: lines, positions: positions)
    }
}

extension Array where Element == UInt32 {
    /// Index of `value` in this ascending array.
    func binarySearch(_ value: UInt32) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < count && self[low] == value ? low : nil
    }
}

/// The reporter's view of the last moments: chat lines they could see and positions within 15 m.
///
/// Bystanders appear only as numbered others, so a report carries no more about uninvolved people
/// than is needed to read the scene.
public struct Evidence: Sendable, Codable, Hashable {
    public struct Line: Sendable, Codable, Hashable {
        /// Seconds before the report.
        public var agoS: Double
        /// "reporter", "reported" or "other-N".
        public var who: String
        public var name: String?
        public var scope: String
        public var text: String

        public init(agoS: Double, who: String, name: String?, scope: String, text: String) {
            self.agoS = agoS
            self.who = who
            self.name = name
            self.scope = scope
            self.text = text
        }
    }

    public struct Position: Sendable, Codable, Hashable {
        public var agoS: Double
        public var who: String
        /// Metres in the space's frame.
        public var x: Float
        public var y: Float
    }

    public var space: String
    public var windowS: Int
    public var reportedName: String
    public var chat: [Line]
    public var positions: [Position]
}

extension Evidence {
    /// Evidence of something written outside the live world (a comment under a proposal): the
    /// lines as they stood, and no positions.
    public init(space: String, reportedName: String, lines: [Line]) {
        self.init(space: space, windowS: 0, reportedName: reportedName, chat: lines, positions: [])
    }
}
