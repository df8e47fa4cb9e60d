import Foundation

extension Services {
    func now() -> Date { Date() }
}
