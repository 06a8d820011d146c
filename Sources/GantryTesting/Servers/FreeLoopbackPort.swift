import GantryLocalServers

/// A TCP port on 127.0.0.1 that nothing listens on right now (GantryLocalServers' `LoopbackPort.free()`), for a
/// test that starts a process of its own on it or needs an address where nothing answers.
public func freeLoopbackPort() throws -> Int {
    try LoopbackPort.free()
}
