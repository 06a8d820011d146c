extension Worker {
    /// Where this worker's jobs are at one instant.
    public struct Snapshot: Sendable, Equatable {
        /// Runs whose handler is executing.
        public var running: Int
        /// Jobs leased again while their earlier run (whose lease lapsed) is still stopping: each starts
        /// when that run ends, never beside it.
        public var deferred: Int
        /// Finished runs whose history and ack are not yet written.
        public var unflushed: Int
        /// Runs flushed since the worker started.
        public var done: Int
    }

    /// The counts, read under the state's lock: what an operator's view or a test waits on, instead
    /// of sleeping until a state is probably reached.
    public var snapshot: Snapshot {
        state.withLock { s in
            Snapshot(running: s.running.count, deferred: s.deferred.count, unflushed: s.unflushed.count, done: s.jobsDone)
        }
    }
}
