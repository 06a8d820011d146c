/// How many times a job's lease may lapse without using up an attempt. A lease lapses when its
/// worker dies, and also when a healthy worker is cut off from Redis for longer than the lease;
/// counting every lapse as an attempt would send a healthy job on its last attempt to the dead
/// letter after an outage. After `freeLapses` lapses, each further one counts, so a job that
/// kills its worker every time still ends in the dead letter.
public struct LeaseLapsePolicy: Sendable, Hashable {
    public var freeLapses: Int
    public init(freeLapses: Int = 3) { self.freeLapses = freeLapses }
}
