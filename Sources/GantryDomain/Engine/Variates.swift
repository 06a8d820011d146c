import FoundationEssentials
import Glibc

/// The random variates the engine draws, as inlined functions over a caller-owned generator so the
/// hot loops keep the state in registers and allocate nothing.
///
/// All methods are exact (no approximations): the ziggurat for normals,
/// Marsaglia–Tsang for gammas (shape ≥ 1, which PERT shapes always are), and order statistics of
/// uniforms for PERT shapes with integer α and β.
struct Variates {
    var rng: Xoshiro256StarStar
    private let zig = ZigguratTables.pointer

    init(seed: UInt64) { rng = Xoshiro256StarStar(seed: seed) }

    /// A standard normal by the 256-layer ziggurat: one generator call and a table lookup in about
    /// 99 % of draws, no transcendental function; the rest fall back to exact wedge and tail tests.
    @inline(__always)
    mutating func normal() -> Double {
        let x = zig, f = zig + (ZigguratTables.layers + 1)
        while true {
            let bits = rng.next()
            let i = Int(bits & 0xFF)
            // Bits 11…63 give a symmetric uniform on [−1, 1); bits 0…7 chose the layer.
            let u = Double(bits >> 11) * 0x1p-52 - 1
            let z = u * x[i]
            if abs(z) < x[i + 1] { return z }
            if i == 0 {
                // The tail beyond r (Marsaglia 1964).
                var a: Double, b: Double
                repeat {
                    a = -log(rng.nextOpenUniform()) / ZigguratTables.r
                    b = -log(rng.nextOpenUniform())
                } while 2 * b < a * a
                return u < 0 ? -(ZigguratTables.r + a) : ZigguratTables.r + a
            }
            if f[i + 1] + (f[i] - f[i + 1]) * rng.nextUniform() < exp(-0.5 * z * z) { return z }
        }
    }

    /// Gamma(shape, 1) for shape ≥ 1 (Marsaglia & Tsang 2000), with `d = shape − 1/3`, `c = 1/√(9d)`
    /// precomputed by the caller. The squeeze accepts about 98 % of draws without a logarithm.
    @inline(__always)
    mutating func gamma(d: Double, c: Double) -> Double {
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextOpenUniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// The k-th smallest (1-based) of five uniforms, which is exactly Beta(k, 6 − k): the PERT shapes
    /// with integer α (mode at min, a quarter, the midpoint, three quarters or max of the range, the
    /// midpoint being the seed's default). The five uniforms have 32 bits each (three generator calls
    /// for five), enough for durations to 10^-9 of their range, and a nine-comparator sorting network
    /// on the raw integers costs far less than two gamma draws. Callers pass `k` as a literal so the
    /// comparators the pick does not need are compiled away.
    @inline(__always)
    mutating func orderStatistic5(_ k: Int) -> Double {
        let r0 = rng.next(), r1 = rng.next(), r2 = rng.next()
        var a = UInt32(truncatingIfNeeded: r0), b = UInt32(truncatingIfNeeded: r0 >> 32)
        var c = UInt32(truncatingIfNeeded: r1), d = UInt32(truncatingIfNeeded: r1 >> 32)
        var e = UInt32(truncatingIfNeeded: r2)
        @inline(__always) func cx(_ x: inout UInt32, _ y: inout UInt32) {
            let lo = Swift.min(x, y)
            y = Swift.max(x, y)
            x = lo
        }
        // Optimal 5-input sorting network (9 comparators, depth 5).
        cx(&a, &b); cx(&d, &e)
        cx(&c, &e)
        cx(&c, &d); cx(&b, &e)
        cx(&a, &d)
        cx(&a, &c); cx(&b, &d)
        cx(&b, &c)
        let pick: UInt32
        switch k {
        case 1: pick = a
        case 2: pick = b
        case 3: pick = c
        case 4: pick = d
        default: pick = e
        }
        return (Double(pick) + 0.5) * 0x1p-32
    }
}
