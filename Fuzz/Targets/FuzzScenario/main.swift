import Foundation
import Simulation

/// Crowd scenarios as `bitgoeul simulate` and `POST …/simulations` read them (TOML, then checks).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let text = String(validating: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self) else {
        return 0
    }
    _ = try? Scenario.parse(text, file: "fuzz.toml")
    return 0
}
