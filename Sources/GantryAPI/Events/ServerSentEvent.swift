/// One message of a `text/event-stream` answer, in the format browsers and `fetch` readers parse: an event
/// name, then one `data:` line per line of the data, then a blank line. A comment (a line that starts with
/// `:`) carries nothing and keeps idle connections, and the proxies on their way, from timing out.
enum ServerSentEvent {
    static func message(event: String, data: String) -> String {
        var text = "event: \(event)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        return text + "\n"
    }

    static func comment(_ text: String) -> String { ": \(text)\n\n" }
}
