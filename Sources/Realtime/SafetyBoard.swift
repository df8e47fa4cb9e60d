import Foundation
import Synchronization
import Wire

/// The safety rules that bind one party (an account, or one guest connection) in the live world.
public struct PartyRules: Sendable, Hashable {
    /// Parties this one blocked or was blocked by: neither ever sees or hears the other.
    public var hidden: Set<Int64> = []
    /// Parties whose chat this one does not receive.
    public var muted: Set<Int64> = []
    /// Parties allowed inside the personal boundary (when the mode is "non-friends").
    public var friends: Set<Int64> = []
    /// Spaces where a moderator muted this party, and until when.
    public var mutedIn: [String: Date] = [:]
    /// Spaces this party may not enter until the date (`*` for all): kicks, suspensions, bans.
    public var barredFrom: [String: Date] = [:]
    /// Spaces this party moderates (`*` for all), from its roles: crowd alerts reach it.
    public var moderatedSpaces: Set<String> = []
    /// Spaces where this party may lead tours (docents and up; `*` for all), from its roles.
    public var guidedSpaces: Set<String> = []

    public init() {}

    /// Whether this party moderates `space`.
    public func moderates(_ space: String) -> Bool {
        moderatedSpaces.contains(space) || moderatedSpaces.contains("*")
    }

    /// Whether this party may lead tours in `space`.
    public func guides(_ space: String) -> Bool { guidedSpaces.contains(space) || guidedSpaces.contains("*") }

    /// Until when this party may not be in `space`, if barred now.
    public func barred(from space: String, now: Date) -> Date? {
        let dates = [barredFrom[space], barredFrom["*"]].compactMap { $0 }.filter { $0 > now }
        return dates.max()
    }

    /// Whether this party's chat is muted in `space` at `now`.
    public func isMuted(in space: String, now: Date) -> Bool {
        (mutedIn[space] ?? .distantPast) > now
    }
}

/// What the board knows of a live avatar, so a connection can act on what its client sees.
public struct LiveEntity: Sendable {
    public let entityId: UInt32
    public let space: String
    public let link: ClientLink
}

/// The shared, in-memory face of blocks, mutes, friends and sanctions for everyone connected.
///
/// Connections write to it when a rule changes (rare); each space's tick reads one atomic version
/// per tick and reloads its members' rules only when it moved, so the hot path takes no lock.
/// Durable state lives in the store; the board caches it for parties that are online, plus the
/// rules that involve guests, which exist only while they are connected.
public final class SafetyBoard: Sendable {
    private struct State {
        var rules: [Int64: PartyRules] = [:]
        var entities: [UInt32: LiveEntity] = [:]
        /// The avatar each persona walks as on this node now.
        var byPersona: [Int64: UInt32] = [:]
        var connections: [Int64: Int] = [:]
        /// Visitors from other cities connected here, by party: their key (`city/pseudonym`) and the
        /// keys of those they block at home, brought along by choice (docs/federation.md).
        var visitors: [Int64: (key: String, blocks: Set<String>)] = [:]

        /// Parties hidden from `party` by a visitor's brought blocks, either way.
        func hiddenByBroughtBlocks(_ party: Int64) -> Set<Int64> {
            guard let me = visitors[party] else { return [] }
            var hidden = Set<Int64>()
            for (other, visitor) in visitors where other != party {
                if me.blocks.contains(visitor.key) || visitor.blocks.contains(me.key) { hidden.insert(other) }
            }
            return hidden
        }
    }

    private let state = Mutex(State())
    private let changes = Atomic<UInt64>(0)
    /// Guests get negative party numbers, one per connection, never reused.
    private static let guestParties = Atomic<Int64>(1)

    public init() {}

    /// A fresh party number for a guest connection.
    public static func newGuestParty() -> Int64 {
        -guestParties.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Bumped whenever any party's rules change.
    public var version: UInt64 { changes.load(ordering: .acquiring) }

    /// The rules of `party` (empty when none are known).
    public func rules(_ party: Int64) -> PartyRules {
        state.withLock { $0.rules[party] ?? PartyRules() }
    }

    /// The rules of several parties under one lock, in order.
    func rules(_ parties: [Int64]) -> [PartyRules] {
        state.withLock { s in parties.map { s.rules[$0] ?? PartyRules() } }
    }

    /// Changes one party's rules and tells every tick.
    public func update(_ party: Int64, _ change: (inout PartyRules) -> Void) {
        state.withLock { s in change(&s.rules[party, default: PartyRules()]) }
        changes.add(1, ordering: .releasing)
    }

    /// Changes two parties' rules at once (a block or friendship is mutual).
    public func update(_ a: Int64, _ b: Int64, _ change: (inout PartyRules, Int64) -> Void) {
        state.withLock { s in
            change(&s.rules[a, default: PartyRules()], b)
            change(&s.rules[b, default: PartyRules()], a)
        }
        changes.add(1, ordering: .releasing)
    }

    // MARK: Live avatars

    func register(_ entity: LiveEntity) {
        state.withLock { s in
            s.entities[entity.entityId] = entity
            if let persona = entity.link.walker.personaId { s.byPersona[persona] = entity.entityId }
        }
    }

    func unregister(_ entityId: UInt32) {
        state.withLock { s in
            // A persona that teleported is registered under its new id already; that one stays.
            if let gone = s.entities.removeValue(forKey: entityId), let persona = gone.link.walker.personaId,
                s.byPersona[persona] == entityId
            {
                s.byPersona[persona] = nil
            }
        }
    }

    /// The avatar `persona` walks as on this node, if it is in a space here.
    public func entity(persona: Int64) -> LiveEntity? {
        state.withLock { s in s.byPersona[persona].flatMap { s.entities[$0] } }
    }

    // MARK: Connections

    /// A connection of `party` begins; `rules` (loaded from the store) replace the cached ones.
    public func attach(_ party: Int64, rules: PartyRules?) {
        state.withLock { s in
            s.connections[party, default: 0] += 1
            if let rules {
                // Rules involving guests live only here: keep them across the reload.
                let old = s.rules[party] ?? PartyRules()
                var merged = rules
                merged.hidden.formUnion(old.hidden.filter { $0 < 0 })
                merged.muted.formUnion(old.muted.filter { $0 < 0 })
                merged.hidden.formUnion(s.hiddenByBroughtBlocks(party))
                s.rules[party] = merged
            }
        }
        changes.add(1, ordering: .releasing)
    }

    /// A visitor from another city arrived (after `attach`): `key` is who they are here
    /// (`city/pseudonym`), `blocks` the keys of those they block at home. A block hides both ways,
    /// with those here now and those who come later, while the visitor stays; nothing is stored.
    public func visit(_ party: Int64, key: String, blocks: Set<String>) {
        state.withLock { s in
            s.visitors[party] = (key, blocks)
            let hidden = s.hiddenByBroughtBlocks(party)
            s.rules[party, default: PartyRules()].hidden.formUnion(hidden)
            for other in hidden { s.rules[other, default: PartyRules()].hidden.insert(party) }
        }
        changes.add(1, ordering: .releasing)
    }

    /// Replaces the cached rules of an online party (after a change in the store); no-op when offline.
    public func reload(_ party: Int64, rules: PartyRules) {
        state.withLock { s in
            guard s.connections[party] != nil else { return }
            let old = s.rules[party] ?? PartyRules()
            var merged = rules
            merged.hidden.formUnion(old.hidden.filter { $0 < 0 })
            merged.muted.formUnion(old.muted.filter { $0 < 0 })
            merged.hidden.formUnion(s.hiddenByBroughtBlocks(party))
            s.rules[party] = merged
        }
        changes.add(1, ordering: .releasing)
    }

    /// The parties of the visitors from `city` connected here.
    public func visitors(from city: String) -> [Int64] {
        let prefix = city + "/"
        return state.withLock { s in s.visitors.compactMap { $0.value.key.hasPrefix(prefix) ? $0.key : nil } }
    }

    /// Signed-in accounts with a connection open here (guests' parties are negative and left out).
    public var connectedAccounts: [Int64] {
        state.withLock { $0.connections.keys.filter { $0 > 0 } }
    }

    /// Open connections of a party.
    public func connections(of party: Int64) -> Int {
        state.withLock { $0.connections[party] ?? 0 }
    }

    /// A connection of `party` ended; its rules are forgotten with its last connection.
    public func detach(_ party: Int64) {
        state.withLock { s in
            let left = (s.connections[party] ?? 1) - 1
            if left > 0 {
                s.connections[party] = left
                return
            }
            s.connections[party] = nil
            s.rules[party] = nil
            // Others keep hiding this party until their rules reload: harmless, as it is gone.
            s.visitors[party] = nil
            // Nobody keeps a rule about a guest that is gone (its number is never reused).
            if party < 0 {
                for key in s.rules.keys {
                    s.rules[key]?.hidden.remove(party)
                    s.rules[key]?.muted.remove(party)
                }
            }
        }
        changes.add(1, ordering: .releasing)
    }

    /// The live avatar with this entity id.
    public func entity(_ id: UInt32) -> LiveEntity? {
        state.withLock { $0.entities[id] }
    }

    /// Every live avatar of a party (an account may be in several spaces at once).
    /// Every avatar in the world on this node.
    public func everyone() -> [LiveEntity] {
        state.withLock { Array($0.entities.values) }
    }

    public func entities(of party: Int64) -> [LiveEntity] {
        state.withLock { $0.entities.values.filter { $0.link.party == party } }
    }

    /// Whether a party has an avatar in the world now.
    public func isOnline(_ party: Int64) -> Bool {
        state.withLock { $0.entities.values.contains { $0.link.party == party } }
    }
}
