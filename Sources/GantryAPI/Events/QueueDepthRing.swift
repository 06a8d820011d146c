import GantryCore

/// One sample of a queue: its depth by state and its counters at `atMs`.
struct QueueDepthSample: Sendable, Hashable {
    var atMs: Int64
    var stats: QueueStats
}

/// The last `capacity` samples of one queue, oldest first: a fixed-size ring, so an API process that runs
/// for months holds exactly one window of samples per queue and never more.
struct QueueDepthRing: Sendable {
    let capacity: Int
    private var storage: [QueueDepthSample] = []
    /// Where the next sample goes once the ring is full.
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(self.capacity)
    }

    mutating func append(_ sample: QueueDepthSample) {
        if storage.count < capacity {
            storage.append(sample)
        } else {
            storage[next] = sample
            next = (next + 1) % capacity
        }
    }

    /// Oldest first.
    var samples: [QueueDepthSample] { Array(storage[next...] + storage[..<next]) }

    /// The newest sample's time, nil when empty.
    var lastAtMs: Int64? { storage.isEmpty ? nil : storage[(next + storage.count - 1) % storage.count].atMs }
}
