/// Dense linear algebra for the few-by-few matrices of the correlation model (one row per phase,
/// at most five), row-major in a flat array. Written out because the sizes are tiny and fixed: a
/// general library would cost more to call than these loops cost to run.
struct SmallMatrix: Sendable, Hashable {
    let size: Int
    var values: [Double]

    init(size: Int, values: [Double]) {
        precondition(values.count == size * size)
        self.size = size
        self.values = values
    }

    static func identity(_ size: Int) -> SmallMatrix {
        var m = SmallMatrix(size: size, values: [Double](repeating: 0, count: size * size))
        for i in 0..<size { m[i, i] = 1 }
        return m
    }

    subscript(row: Int, column: Int) -> Double {
        get { values[row * size + column] }
        set { values[row * size + column] = newValue }
    }

    /// The square matrix of the entries at `rows` × `columns`, in those orders.
    func submatrix(_ rows: [Int], _ columns: [Int]) -> SmallMatrix {
        precondition(rows.count == columns.count)
        return SmallMatrix(size: rows.count, values: rows.flatMap { r in columns.map { c in self[r, c] } })
    }

    /// The lower-triangular L with L·Lᵀ = self, or nil when the matrix is not positive definite
    /// (a pivot at or below `tolerance`).
    func cholesky(tolerance: Double = 1e-10) -> SmallMatrix? {
        var l = SmallMatrix(size: size, values: [Double](repeating: 0, count: size * size))
        for i in 0..<size {
            for j in 0...i {
                var s = self[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                if i == j {
                    guard s > tolerance else { return nil }
                    l[i, i] = s.squareRoot()
                } else {
                    l[i, j] = s / l[j, j]
                }
            }
        }
        return l
    }

    /// x with self·x = b, for a lower-triangular self (forward substitution).
    func solveLower(_ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<size {
            for k in 0..<i { x[i] -= self[i, k] * x[k] }
            x[i] /= self[i, i]
        }
        return x
    }

    /// x with selfᵀ·x = b, for a lower-triangular self (back substitution).
    func solveLowerTransposed(_ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: size - 1, through: 0, by: -1) {
            for k in (i + 1)..<Swift.max(i + 1, size) { x[i] -= self[k, i] * x[k] }
            x[i] /= self[i, i]
        }
        return x
    }
}
