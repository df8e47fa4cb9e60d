import DurableFiles
import Foundation
import Logging
import Planning
import Realtime
import Synchronization
import WorldModel

/// The server's side of plans (docs/planning.md): the proposal book, each space's buildings as a
/// plan sees them, and the effects jobs, run one at a time on a background queue and written as
/// files under `<data>/planning/<region>/<space>/<proposal>/v<n>/`.
final class PlanningDesk: Sendable {
    let book = ProposalBook()
    let settings: EffectsSettings
    let timeZone: TimeZone
    let dataDirectory: URL
    let worldDirectories: [URL]
    let logger: Logger
    private let status = Mutex<[String: EffectsStatus]>([:])
    private let buildingsCache = Mutex<[String: SpaceBuildings]>([:])
    /// When each account last voted or commented (monotonic seconds), the last minute's worth.
    private let recentActions = Mutex<[Int64: [Double]]>([:])
    /// Stored proposals that no longer check against their space, with the end of their period if known.
    private let unloadedProposals = Mutex<[String: Date?]>([:])

    func noteUnloaded(_ id: String, closes: Date?) { unloadedProposals.withLock { $0[id] = closes } }

    func unloaded() -> [(String, Date?)] { unloadedProposals.withLock { $0.map { ($0.key, $0.value) } } }
    /// Effects jobs run here, one after another, off the cooperative pool and the tick threads.
    private let jobs = DispatchQueue(label: "bitgoeul.planning.effects", qos: .utility)

    init(settings: EffectsSettings, timeZone: TimeZone, dataDirectory: URL, worldDirectories: [URL], logger: Logger) {
        self.settings = settings
        self.timeZone = timeZone
        self.dataDirectory = dataDirectory
        self.worldDirectories = worldDirectories
        self.logger = logger
    }

    /// The folder of a space's manifest and imported assets.
    func folder(of space: Space) -> URL? {
        let parts = space.id.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2,
            let directory = worldDirectories.first(where: { WorldController.regionId(of: $0) == parts[0] })
        else { return nil }
        return directory.appendingPathComponent("spaces").appendingPathComponent(parts[1])
    }

    /// The space's buildings with ids (read once).
    func buildings(of space: Space) throws -> SpaceBuildings {
        if let cached = buildingsCache.withLock({ $0[space.id] }) { return cached }
        let loaded =
            try folder(of: space).map { try SpaceBuildings.load(space: space, folder: $0) }
            ?? SpaceBuildings(space: space)
        buildingsCache.withLock { $0[space.id] = loaded }
        return loaded
    }

    /// The space's `solar.json`: twelve monthly Linke turbidity values and the ground albedo.
    func climate(of space: Space) -> (linkeTurbidity: [Double], albedo: Double)? {
        guard let url = folder(of: space)?.appendingPathComponent("solar.json"),
            let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let tl = root["linkeTurbidity"] as? [Double], tl.count == 12
        else { return nil }
        return (tl, root["albedo"] as? Double ?? 0.2)
    }

    func versionFolder(_ id: String, _ version: Int, space: String) -> URL {
        dataDirectory.appendingPathComponent("planning").appendingPathComponent(space)
            .appendingPathComponent(id).appendingPathComponent("v\(version)")
    }

    /// The effects file of a version, named by a hash of its text and of the effects' format and
    /// settings, so a changed text (an edited draft, a changed shipped file) or a newer server is
    /// never served the old figures.
    func effectsURL(_ v: ProposalBook.Version) -> URL {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let settingsText = [
            EffectsJob.formatVersion, settings.year, settings.solarStepHours, settings.solarSpacingM, settings.skyRays,
            settings.shadowCellM, settings.shadowCellsMax, settings.shadowStepMin, settings.shadowFromHour,
            settings.shadowToHour,
        ].map { "\($0)" }.joined(separator: " ")
        for byte in (settingsText + v.json).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return versionFolder(v.proposal.id, v.number, space: v.proposal.space)
            .appendingPathComponent("effects-\(String(hash, radix: 16)).json")
    }

    /// A version's job: its id, number and the hash of its text.
    func key(_ v: ProposalBook.Version) -> String {
        "\(v.proposal.id)@\(v.number)/\(effectsURL(v).lastPathComponent)"
    }

    func status(_ v: ProposalBook.Version) -> EffectsStatus? { status.withLock { $0[key(v)] } }

    /// The stored effects of a version, when done.
    func effects(_ v: ProposalBook.Version) -> Data? { try? Data(contentsOf: effectsURL(v)) }

    /// Queues the effects of a version unless they are already computed (or on their way).
    func computeEffects(_ v: ProposalBook.Version, space: Space) {
        let key = key(v)
        let url = effectsURL(v)
        let queued = status.withLock { table -> Bool in
            if FileManager.default.fileExists(atPath: url.path) {
                table[key] = .done
                return false
            }
            if let s = table[key], s == .queued || s.name == "running" { return false }
            table[key] = .queued
            return true
        }
        guard queued else { return }
        jobs.async { [self] in run(v, space: space, key: key, url: url) }
    }

    private func run(_ v: ProposalBook.Version, space: Space, key: String, url: URL) {
        // A draft edited while queued: only the text now in the book is computed.
        guard let current = book.version(v.proposal.id, v.number), self.key(current) == key else {
            status.withLock { if $0[key] == .queued { $0[key] = nil } }
            return
        }
        status.withLock { $0[key] = .running(progress: 0) }
        do {
            let job = EffectsJob(
                proposal: v.proposal, version: v.number, space: space, buildings: try buildings(of: space),
                climate: climate(of: space), timeZone: timeZone, settings: settings)
            let effects = try job.run { [self] share in
                status.withLock { $0[key] = .running(progress: share) }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(try encoder.encode(effects), to: url)
            status.withLock { $0[key] = .done }
            logger.info(
                "plan effects computed",
                metadata: ["proposal": "\(key)", "seconds": "\(String(format: "%.1f", effects.seconds))"])
        } catch {
            status.withLock { $0[key] = .failed(reason: "\(error)") }
            logger.error("plan effects failed", metadata: ["proposal": "\(key)", "error": "\(error)"])
        }
    }

    /// Checks a document for its space and puts the version in the book.
    func check(_ document: ProposalDocument, id: String, space: Space) throws -> Proposal {
        try ProposalRules.check(document, id: id, space: space, buildings: try buildings(of: space))
    }

    /// Counts a vote or comment against the account's `Discussion.actionsPerMinute`; 429 past it.
    func spend(account: Int64, now: Double) throws {
        let allowed = recentActions.withLock { table -> Bool in
            if table.count > 100_000 { table = table.filter { ($0.value.last ?? 0) > now - 60 } }
            var recent = (table[account] ?? []).filter { $0 > now - 60 }
            guard recent.count < Discussion.actionsPerMinute else { return false }
            recent.append(now)
            table[account] = recent
            return true
        }
        guard allowed else {
            throw APIError.tooMany(
                "rate_limited", "at most \(Discussion.actionsPerMinute) votes and comments a minute", retryAfterS: 60)
        }
    }
}
