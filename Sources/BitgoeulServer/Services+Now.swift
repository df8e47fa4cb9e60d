import Clocks
import Foundation

extension Services {
    /// Now on the service's wall clock (`ServerConfig.clock`; tests set it).
    func now() -> Date { clock.now() }
}
