/// Statistics of one column of samples in a few linear passes, with no sort of the whole column:
/// moments, a fine equal-width histogram over [min, max], exact percentiles (selection inside the few
/// bins that hold the wanted ranks) and per-bin midranks for rank correlation.
///
/// Why not sort: sorting 10^6 values costs more than drawing them, and the benchmark's budget is
/// 0.2 s per 10^6 trials for the whole forecast.
struct BinnedColumn {
    let count: Int
    let min: Double
    let max: Double
    let mean: Double
    let variance: Double
    let binCount: Int
    /// Bins per unit of value.
    let scale: Double
    /// Trials per bin.
    let counts: [Int]
    /// Trials in bins before each bin.
    let starts: [Int]

    /// Reads `values` twice; writes each value's bin to `bins`.
    init(_ values: UnsafePointer<Float>, count n: Int, binCount: Int, bins: UnsafeMutablePointer<UInt16>) {
        precondition(n > 0 && binCount > 0 && binCount <= Int(UInt16.max))
        count = n
        var lo = Float.infinity, hi = -Float.infinity
        // Four accumulators break the add latency chain.
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0
        var i = 0
        while i + 4 <= n {
            let a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3]
            lo = Swift.min(lo, Swift.min(Swift.min(a, b), Swift.min(c, d)))
            hi = Swift.max(hi, Swift.max(Swift.max(a, b), Swift.max(c, d)))
            let da = Double(a), db = Double(b), dc = Double(c), dd = Double(d)
            s0 += da; s1 += db; s2 += dc; s3 += dd
            q0 += da * da; q1 += db * db; q2 += dc * dc; q3 += dd * dd
            i += 4
        }
        while i < n {
            let a = values[i]
            lo = Swift.min(lo, a)
            hi = Swift.max(hi, a)
            s0 += Double(a)
            q0 += Double(a) * Double(a)
            i += 1
        }
        min = Double(lo)
        max = Double(hi)
        let mean = (s0 + s1 + s2 + s3) / Double(n)
        self.mean = mean
        variance = Swift.max(0, (q0 + q1 + q2 + q3) / Double(n) - mean * mean)
        self.binCount = binCount
        let scale = hi > lo ? Double(binCount) / (Double(hi) - Double(lo)) : 0
        self.scale = scale
        var counts = [Int](repeating: 0, count: binCount)
        let last = binCount - 1
        let base = Double(lo)
        counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
                let b = Swift.min(Int((Double(values[i]) - base) * scale), last)
                bins[i] = UInt16(truncatingIfNeeded: b)
                c[b] += 1
            }
        }
        self.counts = counts
        var starts = [Int](repeating: 0, count: binCount)
        var running = 0
        for b in 0..<binCount {
            starts[b] = running
            running += counts[b]
        }
        self.starts = starts
    }

    var standardDeviation: Double { variance.squareRoot() }

    /// The bin holding the value of 0-based rank `r`.
    private func bin(ofRank r: Int) -> Int {
        var lo = 0, hi = binCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= r { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Exact type-7 percentiles (numpy's default) for probabilities in [0, 1].
    func percentiles(_ probabilities: [Double], values: UnsafePointer<Float>, bins: UnsafePointer<UInt16>) -> [Double] {
        let n = count
        var ranks: [Int] = []
        for p in probabilities {
            let h = Double(n - 1) * p
            let k = Int(h.rounded(.down))
            ranks.append(k)
            if k + 1 < n { ranks.append(k + 1) }
        }
        var slotOfBin = [Int32](repeating: -1, count: binCount)
        var binOfSlot: [Int] = []
        for r in ranks {
            let b = bin(ofRank: r)
            if slotOfBin[b] < 0 {
                slotOfBin[b] = Int32(binOfSlot.count)
                binOfSlot.append(b)
            }
        }
        var gathered = binOfSlot.map { b -> [Float] in
            var a: [Float] = []
            a.reserveCapacity(counts[b])
            return a
        }
        slotOfBin.withUnsafeBufferPointer { slots in
            for i in 0..<n {
                let s = slots[Int(bins[i])]
                if s >= 0 { gathered[Int(s)].append(values[i]) }
            }
        }
        for s in gathered.indices { gathered[s].sort() }
        func value(ofRank r: Int) -> Double {
            let b = bin(ofRank: r)
            return Double(gathered[Int(slotOfBin[b])][r - starts[b]])
        }
        return probabilities.map { p in
            let h = Double(n - 1) * p
            let k = Int(h.rounded(.down))
            let lower = value(ofRank: k)
            guard k + 1 < n else { return lower }
            return lower + (h - Double(k)) * (value(ofRank: k + 1) - lower)
        }
    }

    /// Per bin, the midrank of its values scaled to [0, 1] and centred on 0: values that share a bin
    /// share a rank, as ties do in Spearman's coefficient. With 4,096 bins this moves the coefficient
    /// by far less than its sampling error.
    func centredRanks() -> [Double] {
        let n = Double(count)
        let centre = (n + 1) / 2
        return (0..<binCount).map { b in (Double(starts[b]) + (Double(counts[b]) + 1) / 2 - centre) / n }
    }

    /// Σ over trials of the squared centred rank.
    func rankSumOfSquares(_ ranks: [Double]) -> Double {
        var s = 0.0
        for b in 0..<binCount where counts[b] > 0 { s += Double(counts[b]) * ranks[b] * ranks[b] }
        return s
    }
}
