import FoundationEssentials
import Glibc

/// The random variates the engine draws, as inlined functions over a caller-owned generator so the
/// hot loops keep the state in registers and allocate nothing.
///
/// The copula needs only normals (every phase's distribution comes from its quantile table), drawn
/// exactly by the ziggurat.
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
}
