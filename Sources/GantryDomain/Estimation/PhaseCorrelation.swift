import Glibc

/// How strongly the phases' durations move together, as Spearman rank correlations.
///
/// The engine imposes it with a Gaussian copula: correlated standard normals, each turned into its
/// phase's duration through that phase's own quantile function. Each phase keeps exactly the
/// distribution its estimate describes (a common multiplier would stretch them all), and the rank
/// correlation of the durations is the one asked for: normals correlated at r = 2·sin(π·ρ/6) have
/// Spearman correlation ρ, and monotone maps keep ranks.
///
/// JSON: a number (every pair of phases; `0` makes them independent) or a square matrix over the
/// estimate's phases in order, symmetric with ones on the diagonal.
///
/// Default 0.3 between every pair: the conventional default of cost and schedule risk analysis when
/// no data support another (the US Air Force Cost Risk and Uncertainty Analysis Handbook, 2007, and
/// NASA's joint-confidence-level practice use 0.2–0.3; Book, "Why correlation matters in cost
/// estimating", 1999, shows that leaving it at 0 narrows forecasts badly). It is an assumption:
/// calibration measures the firm's own (``CalibrationResult/rankCorrelation``).
public enum PhaseCorrelation: Sendable, Hashable, Codable {
    case uniform(Double)
    case matrix([[Double]])

    public static let defaultRank = 0.3
    public static let `default` = PhaseCorrelation.uniform(defaultRank)
    public static let independent = PhaseCorrelation.uniform(0)

    /// The normal correlation that yields Spearman correlation `rank` in a Gaussian copula.
    public static func normalCorrelation(forRank rank: Double) -> Double { 2 * sin(Double.pi * rank / 6) }

    /// The Spearman correlation of normals correlated at `r`.
    public static func rankCorrelation(forNormal r: Double) -> Double { 6 / Double.pi * asin(r / 2) }

    /// Target Spearman correlation of phases `i` and `j` of `count`.
    public func rank(_ i: Int, _ j: Int) -> Double {
        if i == j { return 1 }
        switch self {
        case .uniform(let rho): return rho
        case .matrix(let rows): return rows[i][j]
        }
    }

    /// The copula's normal correlation matrix over `count` phases.
    func normalMatrix(count: Int) -> SmallMatrix {
        var m = SmallMatrix.identity(count)
        for i in 0..<count {
            for j in 0..<count where i != j { m[i, j] = Self.normalCorrelation(forRank: rank(i, j)) }
        }
        return m
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let rho = try? c.decode(Double.self) {
            self = .uniform(rho)
        } else if let rows = try? c.decode([[Double]].self) {
            self = .matrix(rows)
        } else {
            throw DomainError(
                .malformed, field: FieldPath.string(decoder.codingPath),
                "expected a rank correlation between −1 and 1 or a square matrix of them")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .uniform(let rho): try c.encode(rho)
        case .matrix(let rows): try c.encode(rows)
        }
    }

    /// Checks the values and that the copula's matrix over `count` phases is positive definite.
    public func validate(field: String, count: Int) throws {
        switch self {
        case .uniform(let rho):
            guard rho.isFinite, (-1...1).contains(rho) else {
                throw DomainError(.outOfRange, field: field, "must be between -1 and 1, got \(rho)")
            }
        case .matrix(let rows):
            guard rows.count == count, rows.allSatisfy({ $0.count == count }) else {
                throw DomainError(.invalidValue, field: field, "must be a \(count)×\(count) matrix, one row per phase of the estimate in order")
            }
            for i in 0..<count {
                for j in 0..<count {
                    let v = rows[i][j]
                    let cell = "\(field)[\(i)][\(j)]"
                    guard v.isFinite, (-1...1).contains(v) else {
                        throw DomainError(.outOfRange, field: cell, "must be between -1 and 1, got \(v)")
                    }
                    if i == j && v != 1 { throw DomainError(.invalidValue, field: cell, "the diagonal must be 1, got \(v)") }
                    if rows[j][i] != v {
                        throw DomainError(.invalidValue, field: cell, "the matrix must be symmetric: \(v) ≠ \(rows[j][i]) at [\(j)][\(i)]")
                    }
                }
            }
        }
        if count > 1 && normalMatrix(count: count).cholesky() == nil {
            throw DomainError(
                .invalidValue, field: field,
                "these correlations cannot hold together (the matrix is not positive definite); lower the strongest ones or the negative ones")
        }
    }
}
