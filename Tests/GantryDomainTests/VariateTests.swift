import Testing
@testable import GantryDomain

@Suite struct VariateTests {
    @Test func xoshiroIsDeterministicForASeedAndDiffersAcrossSeeds() {
        var a = Xoshiro256StarStar(seed: 1), b = Xoshiro256StarStar(seed: 1), c = Xoshiro256StarStar(seed: 2)
        let sa = (0..<8).map { _ in a.next() }, sb = (0..<8).map { _ in b.next() }, sc = (0..<8).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func zigguratNormalsHaveUnitMomentsAndTheRightTail() {
        var v = Variates(seed: 3)
        let n = 1_000_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, beyondR = 0
        for _ in 0..<n {
            let z = v.normal()
            s1 += z
            s2 += z * z
            s4 += z * z * z * z
            if abs(z) > 3.6541528853610088 { beyondR += 1 }
        }
        #expect(near(s1 / Double(n), 0, 0.005))
        #expect(near(s2 / Double(n), 1, 0.01))
        #expect(near(s4 / Double(n), 3, 0.05))
        // P(|Z| > 3.6542) = 2.58e-4.
        #expect((180...340).contains(beyondR))
    }
}
