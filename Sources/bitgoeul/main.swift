import Foundation
import Realtime
let counts = CommandLine.arguments.dropFirst().compactMap { Int($0) }
for n in counts {
    let r = TickBenchmark(avatars: n, ticks: n >= 5000 ? 100 : 200).run()
    print(String(data: try! JSONEncoder().encode(r), encoding: .utf8)!)
}
