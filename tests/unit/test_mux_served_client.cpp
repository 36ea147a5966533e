// The master's side of one client: whatever the client sends, in whatever order and however its
// bytes are split, is acted on in the call that delivers it. The loop that drives ServedClient
// calls feed() for each read, opened() once the channel is open and pump() when its window grows;
// these tests make exactly those calls and nothing more, so an effect that would need another
// wake-up of the loop (the 15 s keepalive, once) shows up as a missing write or EOF.
#include "catch.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/mux/served_client.hpp"

using namespace lxhost::mux;

namespace {

// A channel that records what it is asked to do, in order.
class Recorder : public ChannelPort {
 public:
  explicit Recorder(std::size_t window) : window_(window) {}
  std::size_t window() override { return window_; }
  std::size_t write(std::string_view bytes) override {
    CHECK(bytes.size() <= window_);
    CHECK_FALSE(eof);  // nothing after EOF
    written += bytes;
    window_ -= bytes.size();
    return bytes.size();
  }
  void send_eof() override {
    CHECK_FALSE(eof);  // once
    eof = true;
  }
  void change_size(const WindowChange& size) override { sizes.push_back(size); }
  void signal(const SignalRequest& request) override { signals.push_back(request.name); }
  void grow(std::size_t n) { window_ += n; }

  std::string written;
  bool eof = false;
  std::vector<WindowChange> sizes;
  std::vector<std::string> signals;

 private:
  std::size_t window_;
};

RunRequest run_request(bool pty) {
  RunRequest run;
  run.line = "exec sudo -n lxc-attach -n web -- cat";
  run.pty = pty;
  run.term = pty ? "xterm" : "";
  return run;
}

struct Outcome {
  std::vector<Ask> asks;
  std::string replies;
  std::optional<std::string> cancelled;
  std::uint16_t cols = 0;
};

// Feeds `chunks` in order; the channel opens right after chunk `open_after` (once the run or
// forward was asked for). Returns what the client's frames asked.
Outcome serve(const std::vector<std::string>& chunks, std::size_t open_after, Recorder& port) {
  ServedClient client(1, 42);
  Outcome outcome;
  bool asked = false, open = false;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    for (const Ask ask : client.feed(chunks[i])) {
      outcome.asks.push_back(ask);
      asked = asked || ask == Ask::run || ask == Ask::forward;
    }
    if (asked && !open && i >= open_after) {
      client.opened(port);
      open = true;
    }
  }
  outcome.replies = client.replies();
  outcome.cancelled = client.cancelled();
  if (client.run()) outcome.cols = client.run()->cols;
  return outcome;
}

// The stream cut at the given offsets (sorted, within the stream).
std::vector<std::string> cut(const std::string& stream, const std::vector<std::size_t>& at) {
  std::vector<std::string> chunks;
  std::size_t from = 0;
  for (std::size_t to : at) {
    chunks.push_back(stream.substr(from, to - from));
    from = to;
  }
  chunks.push_back(stream.substr(from));
  return chunks;
}

}  // namespace

TEST_CASE("served client: stdin and EOF reach the channel whatever the split and the moment it opens", "[mux]") {
  const std::string input = "hello, world\n";
  for (const std::string& sent : {std::string(), input}) {
    std::string stream = encode_hello_request(1) + encode(run_request(false));
    if (!sent.empty()) stream += encode(Type::in, sent.substr(0, 5)) + encode(Type::in, sent.substr(5));
    stream += encode(Type::in_eof);
    // Every cut into two and into three pieces; the channel opens after any piece.
    std::vector<std::vector<std::size_t>> cuts{{}};
    for (std::size_t a = 1; a < stream.size(); ++a) {
      cuts.push_back({a});
      for (std::size_t b = a + 1; b < stream.size(); b += 3) cuts.push_back({a, b});
    }
    for (const auto& at : cuts) {
      const auto chunks = cut(stream, at);
      for (std::size_t open_after = 0; open_after < chunks.size(); ++open_after) {
        Recorder port(1 << 20);
        const Outcome outcome = serve(chunks, open_after, port);
        INFO("input of " << sent.size() << " bytes, cut at " << at.size() << " places, open after piece " << open_after);
        REQUIRE(outcome.asks == std::vector<Ask>{Ask::run});
        CHECK(port.written == sent);
        CHECK(port.eof);
        CHECK(outcome.replies == encode_hello_reply(Hello{1, 42}));
      }
    }
  }
}

TEST_CASE("served client: a byte at a time, every frame in any order the client may send", "[mux]") {
  // After hello and the run: stdin in two frames (in order, EOF last), a window change and a
  // signal anywhere among them.
  const std::vector<std::string> in_frames{encode(Type::in, "ab"), encode(Type::in, "c"), encode(Type::in_eof)};
  std::vector<int> order{0, 1, 2, 3, 4};  // 0-2: in_frames; 3: winch; 4: signal
  do {
    const auto in_order = [&](int x, int y) {
      return std::find(order.begin(), order.end(), x) < std::find(order.begin(), order.end(), y);
    };
    if (!in_order(0, 1) || !in_order(1, 2)) continue;
    std::string stream = encode_hello_request(1) + encode(run_request(true));
    for (int i : order) {
      if (i < 3) stream += in_frames[static_cast<std::size_t>(i)];
      else if (i == 3) stream += encode(WindowChange{132, 50});
      else stream += encode(SignalRequest{"INT", ""});
    }
    std::vector<std::string> bytes;
    for (char c : stream) bytes.emplace_back(1, c);
    for (std::size_t open_after : {std::size_t{0}, stream.size() / 2, stream.size() - 1}) {
      Recorder port(1 << 20);
      const Outcome outcome = serve(bytes, open_after, port);
      CHECK(port.written == "abc");
      CHECK(port.eof);
      // The window change reaches the open channel, or the terminal opens at that size.
      CHECK((port.sizes.size() == 1 ? port.sizes[0].cols : outcome.cols) == 132);
      // The signal reaches the running command, or the command never starts.
      CHECK(port.signals.size() + (outcome.cancelled ? 1U : 0U) == 1);
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("served client: stdin waits for the channel's window and goes on as it grows", "[mux]") {
  ServedClient client(1, 42);
  client.feed(encode_hello_request(1) + encode(run_request(false)) + encode(Type::in, "0123456789") +
              encode(Type::in_eof));
  Recorder port(4);
  client.opened(port);
  CHECK(port.written == "0123");
  CHECK_FALSE(port.eof);
  CHECK(client.pending_input() == 6);
  port.grow(100);
  client.pump();
  CHECK(port.written == "0123456789");
  CHECK(port.eof);
}

TEST_CASE("served client: a forward's stdin and EOF, and the master's own asks", "[mux]") {
  Recorder port(1 << 20);
  const auto chunks = cut(encode_hello_request(1) + encode(ForwardRequest{"10.203.0.10", 22, {}}) +
                              encode(Type::in, "SSH-2.0-x\r\n") + encode(Type::in_eof),
                          {7, 30});
  const Outcome outcome = serve(chunks, 0, port);
  CHECK(outcome.asks == std::vector<Ask>{Ask::forward});
  CHECK(port.written == "SSH-2.0-x\r\n");
  CHECK(port.eof);

  ServedClient status(1, 42);
  CHECK(status.feed(encode_hello_request(1) + encode(Type::status)) == std::vector<Ask>{Ask::status});
  ServedClient stop(1, 42);
  CHECK(stop.feed(encode(Type::stop)) == std::vector<Ask>{Ask::stop});  // before hello too
}

TEST_CASE("served client: a follower (publish) asks for listings and nothing else", "[mux]") {
  ServedClient follower(1, 42);
  CHECK(follower.feed(encode_hello_request(1) + encode(Type::follow)) == std::vector<Ask>{Ask::follow});
  CHECK(follower.follows());
  CHECK_FALSE(follower.run());
  CHECK_FALSE(follower.forward());
  CHECK_THROWS_AS(follower.feed(encode(Type::follow)), ProtocolError);  // one request per connection
  ServedClient then_run(1, 42);
  CHECK_THROWS_AS(then_run.feed(encode_hello_request(1) + encode(Type::follow) + encode(run_request(false))),
                  ProtocolError);
  ServedClient run_then(1, 42);
  CHECK_THROWS_AS(run_then.feed(encode_hello_request(1) + encode(run_request(false)) + encode(Type::follow)),
                  ProtocolError);
  // A master's listing frame is not for a master to receive.
  ServedClient backwards(1, 42);
  CHECK_THROWS_AS(backwards.feed(encode_hello_request(1) + encode(Type::listing, "NAME STATE\n")), ProtocolError);
}

TEST_CASE("served client: a client that breaks the protocol", "[mux]") {
  ServedClient no_hello(1, 42);
  CHECK_THROWS_AS(no_hello.feed(encode(run_request(false))), ProtocolError);
  ServedClient twice(1, 42);
  CHECK_THROWS_AS(twice.feed(encode_hello_request(1) + encode(run_request(false)) + encode(run_request(false))),
                  ProtocolError);
  ServedClient unknown(1, 42);
  CHECK_THROWS_AS(unknown.feed(encode_hello_request(1) + encode(Type::out, "x")), ProtocolError);
}

TEST_CASE("served client: a client of another version is answered, and only its stop counts", "[mux]") {
  // The client sends its request right behind its hello; a master of another version must not
  // act on a request in a layout it may read differently, whatever type letters that layout has.
  const std::string request = encode(run_request(false));
  for (const std::string& after : {request, request + encode(Type::in, "data") + encode(Type::in_eof),
                                   std::string("Z\0\0\0\3abc", 8) + request}) {
    ServedClient client(3, 42);
    const std::string stream = encode_hello_request(2) + after;
    for (std::size_t split = 0; split <= stream.size(); split += 7) {
      ServedClient fresh(3, 42);
      CHECK(fresh.feed(stream.substr(0, split)).empty());
      CHECK(fresh.feed(stream.substr(split)).empty());
      CHECK_FALSE(fresh.run());
    }
    CHECK(client.feed(stream).empty());
    CHECK_FALSE(client.run());
    Decoder replies;
    replies.feed(client.replies());
    const auto hello = replies.next();
    REQUIRE(hello);
    CHECK(decode_hello(*hello, true).version == 3);  // answered, with this master's version
    CHECK(client.feed(encode(Type::stop)) == std::vector<Ask>{Ask::stop});
  }
  // Of this version, the same bytes are a run.
  ServedClient same(3, 42);
  CHECK(same.feed(encode_hello_request(3) + request) == std::vector<Ask>{Ask::run});
}
