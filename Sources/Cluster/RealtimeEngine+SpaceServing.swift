import Realtime

/// The engine serves a space while the node holds its lease (`serve`/`stopServing` set the space's epoch).
extension RealtimeEngine: SpaceServing {}
