import Envelopes
import Federation
import Foundation

/// What a city reads from other cities: a visitor's travel ticket (checked against a pinned key, at
/// the vectors' time), a peer's well-known document, and the operator's peers file. The first byte
/// picks which; the rest is the input. The checker is made for each input (no globals: LeakSanitizer
/// counts what a global keeps as leaked).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFederation(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let pinned = Peer(
        id: "gwangju.example", url: "http://127.0.0.1:8080",
        keys: [Base64URL.decode("ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ")!], acceptsVisitors: true,
        sendsTravellers: true)
    let desk = TravelTickets(
        identity: ServerIdentity(
            id: "daegu.example", name: "대구",
            keys: [.init(privateKey: Data(repeating: 9, count: 32), validFrom: 0, validUntil: nil)]),
        peers: PeerList([pinned]), now: { Date(timeIntervalSince1970: 1_790_064_010) }, perPeerPerS: .max)
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let input = Data(bytes[1...])
    switch bytes[0] % 3 {
    case 0: _ = desk.verify(String(decoding: input, as: UTF8.self))
    case 1: _ = PeerStatus.check(input, of: pinned, now: Date(timeIntervalSince1970: 1_790_064_010))
    default: _ = try? PeerList.parse(String(decoding: input, as: UTF8.self), file: "peers.toml", me: "daegu.example")
    }
    return 0
}
