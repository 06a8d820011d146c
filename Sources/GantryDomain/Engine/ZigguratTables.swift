import FoundationEssentials
import Glibc

/// Layer tables of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000):
/// `x[0…256]` the layers' right edges (x[0] = v/f(r) for the base strip, x[1] = r, x[256] = 0) and
/// `f[0…256]` the density exp(−x²/2) at each edge; stored back to back, 514 doubles.
///
/// A raw pointer rather than an array so the hot loop reads it with no bounds check, retain or lazy
/// initialisation check per draw.
enum ZigguratTables {
    static let layers = 256
    /// The start of the base strip's tail.
    static let r = 3.6541528853610088
    /// The area of each layer.
    static let v = 0.00492867323399

    /// `x` at offset 0, `f` at offset 257.
    static var pointer: UnsafePointer<Double> { UnsafePointer(storage) }

    // Written once by the thread-safe lazy initialiser of a global and only read afterwards, so sharing
    // it across threads is safe although the pointer type is not Sendable.
    private nonisolated(unsafe) static let storage: UnsafeMutablePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 2 * (layers + 1))
        func f(_ x: Double) -> Double { exp(-0.5 * x * x) }
        p[0] = v / f(r)
        p[1] = r
        for i in 2..<layers { p[i] = (-2 * log(v / p[i - 1] + f(p[i - 1]))).squareRoot() }
        p[layers] = 0
        for i in 0...layers { p[layers + 1 + i] = f(p[i]) }
        return p
    }()
}
