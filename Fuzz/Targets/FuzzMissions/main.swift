import Foundation
import Missions

/// What a city reads from curators and phones for missions: a mission file (checked against a
/// fixed world and catalogue) and a stream of on-site fixes through the arrival rules. The first
/// byte picks which; the rest is the input (for fixes, 32 bytes each: latitude, longitude,
/// accuracy and time as little-endian doubles, any bit pattern).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMissions(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let input = Data(bytes[1...])
    if bytes[0] % 2 == 0 {
        _ = try? MissionRules.decode(
            input, spaces: ["gwangju/acc-plaza", "gwangju/chungjangro", "gwangju/gmap"], artworks: ["T06854"])
        return 0
    }
    var judge = ArrivalJudge(latitude: 35.14743, longitude: 126.919358, radiusM: 35)
    var offset = 0
    while offset + 32 <= input.count {
        func double(_ at: Int) -> Double {
            var raw: UInt64 = 0
            for i in 0..<8 { raw |= UInt64(input[input.startIndex + offset + at + i]) << (8 * i) }
            return Double(bitPattern: raw)
        }
        let fix = Fix(latitude: double(0), longitude: double(8), accuracyM: double(16), timeS: double(24))
        _ = judge.receive(fix, nowS: 1_791_601_200 + Double(offset / 32))
        offset += 32
    }
    return 0
}
